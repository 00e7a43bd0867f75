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
  const isIdle = now - Date.parse(row.last_seen_at) > options.policy.idleMs;
  const isTooOld = now - Date.parse(row.created_at) > options.policy.maxMs;
  if (isIdle || isTooOld) {
    await db.deleteFrom("sessions").where("id_hash", "=", hash).execute();
    return null;
  }
  // Touch at most once a minute: idle expiry needs minute precision, not a write per request.
  if (now - Date.parse(row.last_seen_at) > 60_000) {
    await db.updateTable("sessions").set({ last_seen_at: nowIso() }).where("id_hash", "=", hash).execute();
  }
  return actorForUser(row, options.ip);
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom("sessions").where("id_hash", "=", hashSessionToken(token)).execute();
}
