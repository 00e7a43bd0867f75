import { createHash } from "node:crypto";
import type { Db } from "../db/database.js";

/** How long the first response to a key is kept and replayed (Stripe's model). */
export const idempotencyTtlMs = 24 * 3_600_000;
/** A request that started this long ago and never finished (its instance died) no longer blocks its key. */
export const abandonedAfterMs = 60_000;

export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export type Claim =
  | { outcome: "started" }
  | { outcome: "replay"; response: StoredResponse }
  | { outcome: "mismatch" }
  | { outcome: "in_progress" };

/** What makes two requests "the same request": method, path with query, and body. */
export function fingerprintOf(method: string, url: string, body: unknown): string {
  return createHash("sha256")
    .update(`${method} ${url}\n${JSON.stringify(body ?? null)}`)
    .digest("hex");
}

/**
 * Claims an Idempotency-Key for a request, atomically on every instance (the row's primary key): the
 * first claim starts the work; a retry of the same request replays the stored response, or waits while
 * the first is still running; the same key with another request is a mismatch.
 */
export async function claimIdempotencyKey(
  db: Db,
  options: { accountId: string; key: string; fingerprint: string; now?: number },
): Promise<Claim> {
  const now = options.now ?? Date.now();
  const inserted = await db
    .insertInto("idempotency_keys")
    .values({
      account_id: options.accountId,
      idempotency_key: options.key,
      fingerprint: options.fingerprint,
      state: "in_progress",
      status_code: null,
      headers: null,
      body: null,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + idempotencyTtlMs).toISOString(),
    })
    .onConflict((conflict) => conflict.columns(["account_id", "idempotency_key"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { outcome: "started" };
  const row = await db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("account_id", "=", options.accountId)
    .where("idempotency_key", "=", options.key)
    .executeTakeFirst();
  if (!row) return claimIdempotencyKey(db, options);
  const isStale =
    Date.parse(row.expires_at) <= now ||
    (row.state === "in_progress" && now - Date.parse(row.created_at) > abandonedAfterMs);
  if (isStale) {
    // Take it over only if nobody else did meanwhile (the created_at it had is the guard).
    const taken = await db
      .updateTable("idempotency_keys")
      .set({
        fingerprint: options.fingerprint,
        state: "in_progress",
        status_code: null,
        headers: null,
        body: null,
        created_at: new Date(now).toISOString(),
        expires_at: new Date(now + idempotencyTtlMs).toISOString(),
      })
      .where("account_id", "=", options.accountId)
      .where("idempotency_key", "=", options.key)
      .where("created_at", "=", row.created_at)
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1 ? { outcome: "started" } : { outcome: "in_progress" };
  }
  if (row.fingerprint !== options.fingerprint) return { outcome: "mismatch" };
  if (row.state === "in_progress" || row.status_code === null) return { outcome: "in_progress" };
  return {
    outcome: "replay",
    response: {
      statusCode: row.status_code,
      headers: JSON.parse(row.headers ?? "{}") as Record<string, string>,
      body: row.body ?? "",
    },
  };
}

/** Stores the response a claimed key's request got, for its retries. */
export async function completeIdempotencyKey(
  db: Db,
  options: { accountId: string; key: string; response: StoredResponse },
): Promise<void> {
  await db
    .updateTable("idempotency_keys")
    .set({
      state: "done",
      status_code: options.response.statusCode,
      headers: JSON.stringify(options.response.headers),
      body: options.response.body,
    })
    .where("account_id", "=", options.accountId)
    .where("idempotency_key", "=", options.key)
    .execute();
}

/** Frees a key whose request failed on our side (5xx: nothing was changed), so a retry runs it again. */
export async function releaseIdempotencyKey(
  db: Db,
  options: { accountId: string; key: string },
): Promise<void> {
  await db
    .deleteFrom("idempotency_keys")
    .where("account_id", "=", options.accountId)
    .where("idempotency_key", "=", options.key)
    .execute();
}

export async function pruneIdempotencyKeys(db: Db, now = Date.now()): Promise<void> {
  await db.deleteFrom("idempotency_keys").where("expires_at", "<", new Date(now).toISOString()).execute();
}
