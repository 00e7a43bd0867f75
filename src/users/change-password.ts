import { createHash, timingSafeEqual } from "node:crypto";
import * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { AppError, invalidField } from "../errors.js";
import { endSessionsOfUser } from "../sessions/own-sessions.js";
import { parseInput, passwordSchema } from "../shared/validation.js";
import { type Actor, requireUser } from "./actor.js";
import { hashPasswordForEmail, verifyPassword } from "./passwords.js";
import { findUserInAccount } from "./user-view.js";

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(256),
  newPassword: passwordSchema,
});

export interface ChangeOwnPasswordOptions {
  actor: Actor;
  credentials: z.input<typeof changePasswordSchema>;
  /** The session making the change: it stays open, every other one of the user's ends. */
  currentToken: string;
}

export type PasswordChangedResult = z.infer<typeof passwordChangedSchema>;

/** Refused like any bad input, but a password guess all the same: the caller throttles it. */
export class WrongCurrentPasswordError extends AppError {
  constructor() {
    super("invalid_request", "currentPassword: this is not your current password.", {
      fields: ["currentPassword"],
    });
  }
}

export const passwordChangedSchema = z
  .object({ endedSessions: z.number().int().describe("How many of the user's sessions were signed out.") })
  .meta({ id: "PasswordChanged" });

/** The signed-in user changes their own password, proving the current one; their other sessions end. */
export async function changeOwnPassword(
  ctx: Context,
  options: ChangeOwnPasswordOptions,
): Promise<PasswordChangedResult> {
  const actor = requireUser(options.actor);
  const { currentPassword, newPassword } = parseInput(changePasswordSchema, options.credentials);
  if (isSamePassword(currentPassword, newPassword)) {
    throw invalidField("newPassword", "Choose a password different from your current one.");
  }
  const user = await findUserInAccount(ctx.db, actor.accountId, actor.userId);
  if (!(await verifyPassword(user.password_hash, currentPassword))) {
    throw new WrongCurrentPasswordError();
  }
  const passwordHash = await hashPasswordForEmail(ctx.db, user.email, newPassword);
  return ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", user.id).execute();
    const endedSessions = await endSessionsOfUser(trx, user.id, { except: options.currentToken });
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "user.password_changed",
      target: { type: "user", id: user.id },
      details: { email: user.email, endedSessions },
    });
    return { endedSessions };
  });
}

/** True for the refusal that counts as a failed password guess (the caller throttles those). */
export function isWrongCurrentPassword(error: unknown): boolean {
  return error instanceof WrongCurrentPasswordError;
}

// Both come from the same request; comparing digests keeps the "no secret compared with ===" rule simple.
function isSamePassword(a: string, b: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(a), digest(b));
}
