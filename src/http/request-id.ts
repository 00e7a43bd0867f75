import { randomUUID } from "node:crypto";
import { redactKeys } from "./redact.js";

/** A random, globally unique request id: ids from several instances never collide or reveal volume. */
export function newRequestId(): string {
  return `req_${randomUUID().replaceAll("-", "")}`;
}

// What a client may send as X-Request-Id to correlate its logs with ours: short, printable, no spaces.
const wellFormed = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's X-Request-Id when well-formed, else a new random id. */
export function requestIdFor(incoming: string | string[] | undefined): string {
  const isUsable =
    typeof incoming === "string" && wellFormed.test(incoming) && redactKeys(incoming) === incoming;
  return isUsable ? incoming : newRequestId();
}
