import type { Db } from "../db/database.js";

/** How long each granularity is kept; ARCHITECTURE.md has the rows each costs per active key per day. */
export const retention = {
  usage_minute: 48 * 3_600_000,
  usage_hour: 90 * 86_400_000,
  usage_day: 2 * 365 * 86_400_000,
  key_client_ips: 90 * 86_400_000,
  rate_limit_windows: 2 * 3_600_000,
} as const;

/**
 * Deletes what is past its retention. Idempotent, so every instance may run it (each on its own
 * schedule); a delete racing another instance's deletes just finds less to do.
 */
export async function pruneUsage(db: Db, now = Date.now()): Promise<number> {
  const before = (table: keyof typeof retention) => new Date(now - retention[table]).toISOString();
  let deleted = 0;
  for (const table of ["usage_minute", "usage_hour", "usage_day"] as const) {
    const result = await db.deleteFrom(table).where("bucket", "<", before(table)).executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  const ips = await db
    .deleteFrom("key_client_ips")
    .where("last_seen_at", "<", before("key_client_ips"))
    .executeTakeFirst();
  const windows = await db
    .deleteFrom("rate_limit_windows")
    .where("window_start", "<", now - retention.rate_limit_windows)
    .executeTakeFirst();
  return deleted + Number(ips.numDeletedRows) + Number(windows.numDeletedRows);
}
