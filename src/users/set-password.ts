import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { AppError } from "../errors.js";
import { endSessionsOfUser } from "../sessions/own-sessions.js";
import { parseInput, passwordSchema } from "../shared/validation.js";
import { type Actor, isAdministrator } from "./actor.js";
import type { PasswordChangedResult } from "./change-password.js";
import { hashPasswordForEmail } from "./passwords.js";
import { findUserInAccount, loadUserView, type UserView } from "./user-view.js";

export interface SetUserPasswordOptions {
  actor: Actor;
  userId: string;
  password: string;
}

/**
 * Sets a user's password without the current one (the operator's `keyward users set-password`, e.g.
 * for someone locked out). Every session of the user ends: whoever was signed in must sign in again.
 */
export async function setUserPassword(
  ctx: Context,
  options: SetUserPasswordOptions,
): Promise<PasswordChangedResult & { user: UserView }> {
  const { actor } = options;
  if (!isAdministrator(actor)) {
    throw new AppError("administrator_required", "Only an Administrator can set another user's password.");
  }
  const password = parseInput(passwordSchema, options.password, "password");
  const user = await findUserInAccount(ctx.db, actor.accountId, options.userId);
  const passwordHash = await hashPasswordForEmail(ctx.db, user.email, password);
  const endedSessions = await ctx.db.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", user.id).execute();
    const ended = await endSessionsOfUser(trx, user.id);
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "user.password_changed",
      target: { type: "user", id: user.id },
      details: { email: user.email, endedSessions: ended },
    });
    return ended;
  });
  return { user: await loadUserView(ctx.db, actor.accountId, user.id), endedSessions };
}
