import { z } from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import { nowIso } from "../shared/time.js";
import { parseInput, singleLineText } from "../shared/validation.js";
import { findUserByEmail } from "../users/list-users.js";
import { verifyPassword } from "../users/passwords.js";
import { actorForUser } from "../users/user-view.js";
import { hashSessionToken, newSessionToken } from "./sessions.js";

export const signInSchema = z.object({
  email: singleLineText("Email", 254).transform((value) => value.toLowerCase()),
  password: z.string().min(1, "Password is required.").max(256),
});

export interface SignInOptions {
  credentials: z.input<typeof signInSchema>;
  ip: string | null;
  /** The session being replaced, if the browser had one: it ends here (sessions rotate on sign-in). */
  previousToken?: string | undefined;
}

/** Checks email and password and opens a new session. One message for every failure. */
export async function signIn(db: Db, options: SignInOptions): Promise<{ token: string; userId: string }> {
  const { email, password } = parseInput(signInSchema, options.credentials);
  const user = await findUserByEmail(db, email);
  const isValid = await verifyPassword(user?.password_hash ?? null, password);
  const anonymous = { type: "anonymous", label: email, ip: options.ip } as const;
  if (!user || !isValid || user.deactivated_at !== null) {
    if (user) {
      await recordAuditEvent(db, {
        accountId: user.account_id,
        actor: anonymous,
        action: "user.sign_in_failed",
        target: { type: "user", id: user.id },
        details: { reason: user.deactivated_at !== null ? "deactivated" : "wrong_password" },
      });
    }
    throw new AppError("invalid_credentials", "The email or password is incorrect.");
  }
  const session = newSessionToken();
  const now = nowIso();
  await db.transaction().execute(async (trx) => {
    if (options.previousToken) {
      await trx
        .deleteFrom("sessions")
        .where("id_hash", "=", hashSessionToken(options.previousToken))
        .execute();
    }
    await trx
      .insertInto("sessions")
      .values({
        id_hash: session.hash,
        user_id: user.id,
        account_id: user.account_id,
        created_at: now,
        last_seen_at: now,
        ip: options.ip,
      })
      .execute();
    await recordAuditEvent(trx, {
      accountId: user.account_id,
      actor: actorForUser(user, options.ip),
      action: "user.signed_in",
      target: { type: "user", id: user.id },
    });
  });
  return { token: session.token, userId: user.id };
}
