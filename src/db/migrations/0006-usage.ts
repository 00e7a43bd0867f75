import type { Kysely } from "kysely";

// Per-key rate limits and usage analytics (expand only).
// - api_keys / accounts: a key's limit and the account's default for new keys ("100/min"; null: none).
// - rate_limit_windows: requests admitted per key per window, for instances leasing from PostgreSQL.
// - usage_minute / usage_hour / usage_day: requests per key, route, permission and status class, each
//   flush adding to all three (minute rows kept 48 h, hourly 90 days, daily 2 years).
// - key_client_ips: the addresses a key was used from, with first and last seen.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("api_keys").addColumn("rate_limit", "text").execute();
  await db.schema.alterTable("accounts").addColumn("default_rate_limit", "text").execute();
  await db.schema
    .createTable("rate_limit_windows")
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("window_start", "bigint", (c) => c.notNull())
    .addColumn("used", "integer", (c) => c.notNull())
    .addColumn("last_grant", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("rate_limit_windows_pk", ["key_id", "window_start"])
    .execute();
  for (const table of ["usage_minute", "usage_hour", "usage_day"]) {
    await db.schema
      .createTable(table)
      .addColumn("account_id", "text", (c) => c.notNull())
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("bucket", "text", (c) => c.notNull())
      .addColumn("route", "text", (c) => c.notNull())
      .addColumn("permission", "text", (c) => c.notNull())
      .addColumn("status_class", "text", (c) => c.notNull())
      .addColumn("authorized", "integer", (c) => c.notNull())
      .addColumn("requests", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, [
        "key_id",
        "bucket",
        "route",
        "permission",
        "status_class",
        "authorized",
      ])
      .execute();
    await db.schema.createIndex(`${table}_account_idx`).on(table).columns(["account_id", "bucket"]).execute();
    await db.schema.createIndex(`${table}_bucket_idx`).on(table).column("bucket").execute();
  }
  await db.schema
    .createTable("key_client_ips")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("ip", "text", (c) => c.notNull())
    .addColumn("first_seen_at", "text", (c) => c.notNull())
    .addColumn("last_seen_at", "text", (c) => c.notNull())
    .addColumn("requests", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("key_client_ips_pk", ["key_id", "ip"])
    .execute();
  await db.schema
    .createIndex("key_client_ips_seen_idx")
    .on("key_client_ips")
    .column("last_seen_at")
    .execute();
}
