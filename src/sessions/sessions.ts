import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../db/database.js";
import { nowIso } from "../shared/time.js";
import type { Actor } from "../users/actor.js";
import { actorForUser } from "../users/user-view.js";

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

/** A new random session token (the cookie value) and the hash the database keeps. */
export function newSessionToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashSessionToken(token) };
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** The CSRF token is derived from the session token, so nothing extra is stored or can drift. */
export function csrfTokenFor(sessionToken: string): string {
  return createHash("sha256").update(`csrf:${sessionToken}`).digest("base64url");
}

export function isValidCsrfToken(sessionToken: string, presented: string): boolean {
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

export interface SessionLookupOptions {
  token: string;
  ip: string | null;
  policy: SessionPolicy;
  /**
   * False for the console's background polls (the bell, a usage chart, a delivery log): a tab left open
   * must not keep its session alive forever, so only what the person does counts as activity.
   */
  isActivity: boolean;
}

/** Resolves a session cookie to the acting user, or null if unknown, expired or the user is deactivated. */
export async function findSessionActor(db: Db, options: SessionLookupOptions): Promise<Actor | null> {
  const hash = hashSessionToken(options.token);
  const row = await db
    .selectFrom("sessions as s")
    .innerJoin("users as u", "u.id", "s.user_id")
    .select([
      "s.created_at",
      "s.last_seen_at",
      "u.id",
      "u.account_id",
      "u.email",
      "u.role",
      "u.api_access_granted_at",
      "u.deactivated_at",
    ])
    .where("s.id_hash", "=", hash)
    .executeTakeFirst();
  if (!row || row.deactivated_at !== null) return null;
  const now = Date.now();
  if (isExpired(row, options.policy, now)) {
    await db.deleteFrom("sessions").where("id_hash", "=", hash).execute();
    return null;
  }
  // Touch at most once a minute: idle expiry needs minute precision, not a write per request.
  if (options.isActivity && now - Date.parse(row.last_seen_at) > 60_000) {
    await db.updateTable("sessions").set({ last_seen_at: nowIso() }).where("id_hash", "=", hash).execute();
  }
  return actorForUser(row, options.ip);
}

/** Unused for longer than the idle time, or older than the maximum age. */
export function isExpired(
  session: { created_at: string; last_seen_at: string },
  policy: SessionPolicy,
  now: number,
): boolean {
  return (
    now - Date.parse(session.last_seen_at) > policy.idleMs ||
    now - Date.parse(session.created_at) > policy.maxMs
  );
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom("sessions").where("id_hash", "=", hashSessionToken(token)).execute();
}
