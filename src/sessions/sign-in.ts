import * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import { newId } from "../shared/ids.js";
import { nowIso } from "../shared/time.js";
import { parseInput, singleLineText } from "../shared/validation.js";
import { findUsersByEmail } from "../users/list-users.js";
import { matchPassword } from "../users/passwords.js";
import { actorForUser } from "../users/user-view.js";
import { hashSessionToken, newSessionToken } from "./sessions.js";

export const signInSchema = z.object({
  email: singleLineText("Email", 254).transform((value) => value.toLowerCase()),
  password: z.string().min(1, "Password is required.").max(256),
  /** Needed only when one email and password open several accounts: the account's id or exact name. */
  account: singleLineText("Account", 100).optional(),
});

export interface SignInOptions {
  credentials: z.input<typeof signInSchema>;
  ip: string | null;
  /** The session being replaced, if the browser had one: it ends here (sessions rotate on sign-in). */
  previousToken?: string | undefined;
}

export interface SignInResult {
  token: string;
  userId: string;
  accountId: string;
}

type Candidate = Awaited<ReturnType<typeof findUsersByEmail>>[number];

/**
 * Checks email and password against every user with that email (one per account) and opens a session
 * in the account whose user the password matches. One argon2 computation whatever the number of
 * accounts (`matchPassword`), and one answer for every failure, so nothing tells whether another
 * account has the email. Only the right password learns that the user is deactivated.
 */
export async function signIn(db: Db, options: SignInOptions): Promise<SignInResult> {
  const { email, password, account } = parseInput(signInSchema, options.credentials);
  const candidates = await findUsersByEmail(db, { email, account });
  const matches = await matchPassword(
    candidates.map((user) => user.password_hash),
    password,
  );
  const matched = candidates.filter((_, index) => matches[index]);
  const active = matched.filter((user) => user.deactivated_at === null);
  if (matched.length === 0) {
    await recordFailures(db, candidates, { email, ip: options.ip, reason: "wrong_password" });
    throw new AppError("invalid_credentials", "The email or password is incorrect.");
  }
  if (active.length === 0) {
    await recordFailures(db, matched, { email, ip: options.ip, reason: "deactivated" });
    throw new AppError("user_deactivated", "This user has been deactivated. Ask an Administrator.");
  }
  const [user, ...others] = active;
  if (!user || others.length > 0) throw chooseAccount(active);
  const token = await openSession(db, user, options);
  return { token, userId: user.id, accountId: user.account_id };
}

// Whoever gets here knows the password of every user listed, so naming their accounts reveals nothing.
function chooseAccount(users: Candidate[]): AppError {
  const accounts = users.map((user) => `${user.account_name} (${user.account_id})`).join(", ");
  return new AppError(
    "invalid_request",
    `account: this email and password open several accounts: ${accounts}. Choose one and sign in again.`,
    { fields: ["account"] },
  );
}

interface FailureOptions {
  email: string;
  ip: string | null;
  reason: "wrong_password" | "deactivated";
}

/** Each account whose user was tried sees the failed sign-in in its own audit trail. */
async function recordFailures(db: Db, users: Candidate[], options: FailureOptions): Promise<void> {
  if (users.length === 0) return;
  const actor = { type: "anonymous", label: options.email, ip: options.ip } as const;
  await db.transaction().execute(async (trx) => {
    for (const user of users) {
      await recordAuditEvent(trx, {
        accountId: user.account_id,
        actor,
        action: "user.sign_in_failed",
        target: { type: "user", id: user.id },
        details: { reason: options.reason },
      });
    }
  });
}

async function openSession(db: Db, user: Candidate, options: SignInOptions): Promise<string> {
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
        public_id: newId("ses"),
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
  return session.token;
}
