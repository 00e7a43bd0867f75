import type { Db } from "../db/database.js";
import { decodeCursor, type Page, resolveLimit, toPage } from "../shared/pagination.js";
import { applySync, type SyncOptions, updatedSortKey } from "./change-feed.js";
import { type Seller, toSeller } from "./seller-view.js";
import type { SellerStatus } from "./tables.js";

export interface ListSellersOptions extends SyncOptions {
  accountId: string;
  status?: SellerStatus;
  limit?: number;
  cursor?: string;
}

/** An account's sellers in id order. */
export async function listSellers(db: Db, options: ListSellersOptions): Promise<Page<Seller>> {
  const limit = resolveLimit(options.limit);
  let query = db.selectFrom("sellers").selectAll().where("account_id", "=", options.accountId);
  if (options.status !== undefined) query = query.where("status", "=", options.status);
  query = applySync(query, options);
  if (options.sort === "updatedAt") {
    return toPage(await query.limit(limit + 1).execute(), limit, updatedSortKey, toSeller);
  }
  const after = decodeCursor(options.cursor, 1);
  if (after !== undefined) query = query.where("id", ">", after[0] ?? "");
  const rows = await query
    .orderBy("id")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (row) => [row.id], toSeller);
}
