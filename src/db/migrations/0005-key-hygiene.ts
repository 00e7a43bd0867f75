import type { Kysely } from "kysely";

// Key hygiene (expand only: a build without these columns keeps working on this schema).
// - accounts: the key-lifetime policy an Administrator sets.
// - api_keys: expiry, an IP allowlist, and the previous secret of a rolled key with the end of its grace.
// - users: a Manager's permission ceiling (null: All permissions).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("accounts").addColumn("max_key_lifetime_seconds", "integer").execute();
  await db.schema.alterTable("accounts").addColumn("default_key_lifetime_seconds", "integer").execute();
  await db.schema.alterTable("api_keys").addColumn("expires_at", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("allowed_ips", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("rolled_at", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("previous_key_hash", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("previous_key_hint", "text").execute();
  await db.schema.alterTable("api_keys").addColumn("previous_key_valid_until", "text").execute();
  await db.schema.alterTable("users").addColumn("permission_ceiling", "text").execute();
  await db.schema
    .createIndex("api_keys_previous_hash_idx")
    .unique()
    .on("api_keys")
    .column("previous_key_hash")
    .execute();
  await db.schema
    .createIndex("api_keys_expiry_idx")
    .on("api_keys")
    .columns(["account_id", "expires_at"])
    .execute();
}
