import type { Kysely } from "kysely";

// Service tokens (`kws_…`): what an operator's own backends present to the verification API and the
// change stream. Like keys, only the SHA-256 of the secret is stored.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("service_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("hint", "text", (c) => c.notNull())
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("created_by_user_id", "text")
    .addColumn("revoked_at", "text")
    .addColumn("revoked_by_user_id", "text")
    .addColumn("last_used_at", "text")
    .execute();
  await db.schema
    .createIndex("service_tokens_account_idx")
    .on("service_tokens")
    .columns(["account_id", "id"])
    .execute();
}
