import { type Kysely, sql } from "kysely";

// The marketplace API's contract (expand only):
// - payouts get updated_at, like every other resource, so every list can be synced by update time;
// - (account_id, updated_at, id) indexes for `updatedSince` and `sort=updatedAt`;
// - marketplace_events: what changed, in commit order per account (seq is assigned under the account's
//   lock), for GET /api/v1/events and webhooks;
// - idempotency_keys: the first response to each Idempotency-Key, replayed to retries for 24 hours.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("payouts").addColumn("updated_at", "text").execute();
  await sql`update payouts set updated_at = coalesce(paid_at, created_at)`.execute(db);
  for (const table of ["orders", "products", "sellers", "payouts"]) {
    await db.schema
      .createIndex(`${table}_updated_idx`)
      .on(table)
      .columns(["account_id", "updated_at", "id"])
      .execute();
  }
  await db.schema
    .createTable("marketplace_events")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("seq", "integer", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("resource_type", "text", (c) => c.notNull())
    .addColumn("resource_id", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("marketplace_events_pk", ["account_id", "seq"])
    .execute();
  await db.schema
    .createTable("idempotency_keys")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("idempotency_key", "text", (c) => c.notNull())
    .addColumn("fingerprint", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("headers", "text")
    .addColumn("body", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("expires_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["account_id", "idempotency_key"])
    .execute();
  await db.schema
    .createIndex("idempotency_keys_expiry_idx")
    .on("idempotency_keys")
    .column("expires_at")
    .execute();
}
