import { AppError } from "../errors.js";
import type { Role } from "./roles.js";

/**
 * Who is acting. A `user` acts through the console or the CLI on their own behalf; the `operator`
 * is whoever runs the CLI on the server, trusted like an Administrator of the account named.
 */
export type Actor =
  | {
      type: "user";
      userId: string;
      accountId: string;
      email: string;
      role: Role;
      hasApiAccess: boolean;
      ip: string | null;
    }
  | { type: "operator"; accountId: string; ip: null };

export function isAdministrator(actor: Actor): boolean {
  return actor.type === "operator" || actor.role === "administrator";
}

/** Refuses anyone but an Administrator (or the operator's CLI). */
export function requireAdministrator(actor: Actor): void {
  if (!isAdministrator(actor))
    throw new AppError("administrator_required", "Only an Administrator can do this.");
}

export function actorUserId(actor: Actor): string | null {
  return actor.type === "user" ? actor.userId : null;
}

export function actorLabel(actor: Actor): string {
  return actor.type === "user" ? actor.email : "cli";
}

/** The signed-in user behind a console request: only a user has a password and sessions of their own. */
export function requireUser(actor: Actor): Extract<Actor, { type: "user" }> {
  if (actor.type !== "user") throw new AppError("not_signed_in", "Sign in to continue.");
  return actor;
}
