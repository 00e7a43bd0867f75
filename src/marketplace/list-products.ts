import type { Db } from "../db/database.js";
import { decodeCursor, type Page, resolveLimit, toPage } from "../shared/pagination.js";
import { applySync, type SyncOptions, updatedSortKey } from "./change-feed.js";
import { type Product, toProduct } from "./product-view.js";
import type { ProductStatus } from "./tables.js";

export interface ListProductsOptions extends SyncOptions {
  accountId: string;
  sellerId?: string;
  status?: ProductStatus;
  limit?: number;
  cursor?: string;
}

/** An account's products in id order. */
export async function listProducts(db: Db, options: ListProductsOptions): Promise<Page<Product>> {
  const limit = resolveLimit(options.limit);
  let query = db.selectFrom("products").selectAll().where("account_id", "=", options.accountId);
  if (options.sellerId !== undefined) query = query.where("seller_id", "=", options.sellerId);
  if (options.status !== undefined) query = query.where("status", "=", options.status);
  query = applySync(query, options);
  if (options.sort === "updatedAt") {
    return toPage(await query.limit(limit + 1).execute(), limit, updatedSortKey, toProduct);
  }
  const after = decodeCursor(options.cursor, 1);
  if (after !== undefined) query = query.where("id", ">", after[0] ?? "");
  const rows = await query
    .orderBy("id")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (row) => [row.id], toProduct);
}
