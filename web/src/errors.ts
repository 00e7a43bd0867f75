import { notifications } from "@mantine/notifications";
import { ApiError } from "./api";

type SignedOutHandler = () => void;

let onSignedOut: SignedOutHandler = () => {};

/** Registers what happens when the server says the session is gone (401 not_signed_in). */
export function setSignedOutHandler(handler: SignedOutHandler): void {
  onSignedOut = handler;
}

export function isSignedOutError(error: unknown): boolean {
  return error instanceof ApiError && error.code === "not_signed_in";
}

/** Shows any failure to the person: the API's own message, never a silent failure. */
export function reportError(error: unknown, title = "Something went wrong"): void {
  if (isSignedOutError(error)) {
    notifications.show({
      id: "signed-out",
      color: "yellow",
      title: "Your session has ended",
      message: "Sign in again to continue.",
    });
    onSignedOut();
    return;
  }
  const message = error instanceof Error ? error.message : "An unexpected error occurred.";
  notifications.show({ color: "red", title, message, autoClose: 8000 });
}

export function notifySuccess(title: string, message?: string): void {
  notifications.show({ color: "green", title, message: message ?? "", autoClose: 4000 });
}
