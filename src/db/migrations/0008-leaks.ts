import type { Kysely } from "kysely";

// Leaked and misused keys (expand only: a build without these keeps working on this schema).
// - accounts.leak_policy: what a reported leak does ("revoke" or "notify").
// - api_keys: canaries, why a key was revoked by a leak, and which expiry notice went out.
// - outbox_events: domain events, written in the changing transaction, fanned out by the worker.
// - webhook_endpoints / webhook_deliveries / webhook_attempts: Standard Webhooks with a delivery log.
// - email_messages: mail to send, claimed once across instances like deliveries.
// - inbox_notifications: the console's bell.
// - webhook_marketplace_cursors: how far each account's marketplace_events were fanned out.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("accounts")
    .addColumn("leak_policy", "text", (c) => c.notNull().defaultTo("revoke"))
    .execute();
  await db.schema
    .alterTable("api_keys")
    .addColumn("is_canary", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("api_keys").addColumn("leaked_at", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("leak_url", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("expiry_notice", "text").execute();

  await db.schema
    .createTable("outbox_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("data", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("dispatched_at", "text")
    .execute();
  await db.schema
    .createIndex("outbox_events_pending_idx")
    .on("outbox_events")
    .column("dispatched_at")
    .execute();

  await db.schema
    .createTable("webhook_endpoints")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("events", "text", (c) => c.notNull())
    .addColumn("secret", "text", (c) => c.notNull())
    .addColumn("is_enabled", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("disabled_reason", "text")
    .addColumn("failing_since", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("webhook_endpoints_account_idx")
    .on("webhook_endpoints")
    .column("account_id")
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("endpoint_id", "text", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("locked_until", "text")
    .addColumn("last_status_code", "integer")
    .addColumn("last_response_ms", "integer")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("delivered_at", "text")
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_due_idx")
    .on("webhook_deliveries")
    .columns(["status", "next_attempt_at"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_endpoint_idx")
    .on("webhook_deliveries")
    .columns(["endpoint_id", "id"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_once_idx")
    .unique()
    .on("webhook_deliveries")
    .columns(["endpoint_id", "event_id"])
    .execute();

  await db.schema
    .createTable("webhook_attempts")
    .addColumn("delivery_id", "text", (c) => c.notNull())
    .addColumn("attempt", "integer", (c) => c.notNull())
    .addColumn("attempted_at", "text", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("response_ms", "integer", (c) => c.notNull())
    .addColumn("error", "text")
    .addPrimaryKeyConstraint("webhook_attempts_pk", ["delivery_id", "attempt"])
    .execute();

  await db.schema
    .createTable("email_messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("to_address", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "text", (c) => c.notNull())
    .addColumn("locked_until", "text")
    .addColumn("last_error", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("sent_at", "text")
    .execute();
  await db.schema
    .createIndex("email_messages_due_idx")
    .on("email_messages")
    .columns(["status", "next_attempt_at"])
    .execute();

  await db.schema
    .createTable("inbox_notifications")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("event_id", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("key_id", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("read_at", "text")
    .execute();
  await db.schema
    .createIndex("inbox_notifications_user_idx")
    .on("inbox_notifications")
    .columns(["user_id", "id"])
    .execute();

  await db.schema
    .createTable("webhook_marketplace_cursors")
    .addColumn("account_id", "text", (c) => c.primaryKey())
    .addColumn("last_seq", "integer", (c) => c.notNull())
    .execute();
}
