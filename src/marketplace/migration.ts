import { type Kysely, sql } from "kysely";
import { checkOneOf } from "../db/migrations/column-checks.js";

// Portable column types only (text, integer) so this runs unchanged on SQLite and PostgreSQL. Money is
// integer cents (a PostgreSQL `bigint` would come back from `pg` as a string). Primary keys are
// (account_id, id); each list's sort order has an index that starts with account_id.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("sellers")
    .addColumn("account_id", "text", (c) => c.notNull().references("accounts.id"))
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("email", "text", (c) => c.notNull())
    .addColumn("country", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(checkOneOf("status", ["active", "suspended"])))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("sellers_pk", ["account_id", "id"])
    .execute();
  await addIndex(db, "sellers_status_idx", "sellers", ["account_id", "status", "id"]);

  await db.schema
    .createTable("products")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("seller_id", "text", (c) => c.notNull())
    .addColumn("sku", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("price_cents", "integer", (c) => c.notNull().check(sql`price_cents >= 0`))
    .addColumn("stock", "integer", (c) => c.notNull().check(sql`stock >= 0`))
    .addColumn("status", "text", (c) => c.notNull().check(checkOneOf("status", ["active", "inactive"])))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("products_pk", ["account_id", "id"])
    .addUniqueConstraint("products_sku_unique", ["account_id", "sku"])
    .addForeignKeyConstraint("products_seller_fk", ["account_id", "seller_id"], "sellers", [
      "account_id",
      "id",
    ])
    .execute();
  await addIndex(db, "products_seller_idx", "products", ["account_id", "seller_id", "id"]);
  await addIndex(db, "products_status_idx", "products", ["account_id", "status", "id"]);

  await db.schema
    .createTable("orders")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("seller_id", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) =>
      c.notNull().check(checkOneOf("status", ["paid", "fulfilled", "cancelled", "refunded"])),
    )
    .addColumn("buyer_country", "text", (c) => c.notNull())
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("units", "integer", (c) => c.notNull())
    .addColumn("total_cents", "integer", (c) => c.notNull())
    .addColumn("placed_at", "text", (c) => c.notNull())
    .addColumn("fulfilled_at", "text")
    .addColumn("updated_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("orders_pk", ["account_id", "id"])
    .addForeignKeyConstraint("orders_seller_fk", ["account_id", "seller_id"], "sellers", ["account_id", "id"])
    .execute();
  // Lists are newest first by (placed_at, id); the report scans (account_id, placed_at).
  await addIndex(db, "orders_placed_idx", "orders", ["account_id", "placed_at", "id"]);
  await addIndex(db, "orders_status_idx", "orders", ["account_id", "status", "placed_at", "id"]);
  await addIndex(db, "orders_seller_idx", "orders", ["account_id", "seller_id", "placed_at", "id"]);

  await db.schema
    .createTable("order_items")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("order_id", "text", (c) => c.notNull())
    .addColumn("line_no", "integer", (c) => c.notNull())
    .addColumn("product_id", "text", (c) => c.notNull())
    .addColumn("sku", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("quantity", "integer", (c) => c.notNull())
    .addColumn("unit_price_cents", "integer", (c) => c.notNull())
    .addColumn("total_cents", "integer", (c) => c.notNull())
    .addPrimaryKeyConstraint("order_items_pk", ["account_id", "order_id", "line_no"])
    .addForeignKeyConstraint("order_items_order_fk", ["account_id", "order_id"], "orders", [
      "account_id",
      "id",
    ])
    .addForeignKeyConstraint("order_items_product_fk", ["account_id", "product_id"], "products", [
      "account_id",
      "id",
    ])
    .execute();

  await db.schema
    .createTable("payouts")
    .addColumn("account_id", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("seller_id", "text", (c) => c.notNull())
    .addColumn("period_start", "text", (c) => c.notNull())
    .addColumn("period_end", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(checkOneOf("status", ["pending", "paid"])))
    .addColumn("currency", "text", (c) => c.notNull())
    .addColumn("order_count", "integer", (c) => c.notNull())
    .addColumn("gross_cents", "integer", (c) => c.notNull())
    .addColumn("fee_cents", "integer", (c) => c.notNull())
    .addColumn("amount_cents", "integer", (c) => c.notNull())
    .addColumn("paid_at", "text")
    .addColumn("created_at", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("payouts_pk", ["account_id", "id"])
    .addForeignKeyConstraint("payouts_seller_fk", ["account_id", "seller_id"], "sellers", [
      "account_id",
      "id",
    ])
    .execute();
  await addIndex(db, "payouts_period_idx", "payouts", ["account_id", "period_start", "id"]);
  await addIndex(db, "payouts_seller_idx", "payouts", ["account_id", "seller_id", "period_start", "id"]);
  await addIndex(db, "payouts_status_idx", "payouts", ["account_id", "status", "period_start", "id"]);
}

async function addIndex(db: Kysely<unknown>, name: string, table: string, columns: string[]): Promise<void> {
  await db.schema.createIndex(name).on(table).columns(columns).execute();
}
