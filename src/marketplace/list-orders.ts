import type { Db } from "../db/database.js";
import { invalidField } from "../errors.js";
import { decodeCursor, type Page, resolveLimit, toPage } from "../shared/pagination.js";
import { applySync, type SyncOptions, updatedSortKey } from "./change-feed.js";
import { addDays, parseDay, startOf } from "./dates.js";
import { loadOrderItems, type Order, orderSortKey, toOrder } from "./order-view.js";
import type { OrderStatus } from "./tables.js";

export interface ListOrdersOptions extends SyncOptions {
  accountId: string;
  status?: OrderStatus;
  sellerId?: string;
  /** First day placed, YYYY-MM-DD (UTC), inclusive. */
  from?: string;
  /** Last day placed, YYYY-MM-DD (UTC), inclusive. */
  to?: string;
  limit?: number;
  cursor?: string;
}

/** An account's orders, newest first, each with its line items. */
export async function listOrders(db: Db, options: ListOrdersOptions): Promise<Page<Order>> {
  const limit = resolveLimit(options.limit);
  const from = options.from === undefined ? undefined : parseDay("from", options.from);
  const to = options.to === undefined ? undefined : parseDay("to", options.to);
  if (from !== undefined && to !== undefined && to < from) {
    throw invalidField("to", `must be on or after from (${from}).`);
  }
  let query = db.selectFrom("orders").selectAll().where("account_id", "=", options.accountId);
  if (options.status !== undefined) query = query.where("status", "=", options.status);
  if (options.sellerId !== undefined) query = query.where("seller_id", "=", options.sellerId);
  if (from !== undefined) query = query.where("placed_at", ">=", startOf(from));
  if (to !== undefined) query = query.where("placed_at", "<", startOf(addDays(to, 1)));
  query = applySync(query, options);
  if (options.sort === "updatedAt") {
    const rows = await query.limit(limit + 1).execute();
    const items = await loadOrderItems(
      db,
      options.accountId,
      rows.slice(0, limit).map((row) => row.id),
    );
    return toPage(rows, limit, updatedSortKey, (row) => toOrder(row, items.get(row.id) ?? []));
  }
  const after = decodeCursor(options.cursor, 2);
  if (after !== undefined) {
    const [placedAt = "", id = ""] = after;
    query = query.where((eb) => eb(eb.refTuple("placed_at", "id"), "<", eb.tuple(placedAt, id)));
  }
  const rows = await query
    .orderBy("placed_at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  const items = await loadOrderItems(
    db,
    options.accountId,
    rows.slice(0, limit).map((row) => row.id),
  );
  return toPage(rows, limit, orderSortKey, (row) => toOrder(row, items.get(row.id) ?? []));
}
