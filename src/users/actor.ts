import type { Role } from "../db/schema.js";

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

export function actorUserId(actor: Actor): string | null {
  return actor.type === "user" ? actor.userId : null;
}

export function actorLabel(actor: Actor): string {
  return actor.type === "user" ? actor.email : "cli";
}
