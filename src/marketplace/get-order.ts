import type { Db } from "../db/database.js";
import { notFound } from "../errors.js";
import { loadOrderItems, type Order, toOrder } from "./order-view.js";

export interface GetOrderOptions {
  accountId: string;
  orderId: string;
}

/** One of the account's orders with its line items; another account's order id is not found. */
export async function getOrder(db: Db, options: GetOrderOptions): Promise<Order> {
  const row = await db
    .selectFrom("orders")
    .selectAll()
    .where("account_id", "=", options.accountId)
    .where("id", "=", options.orderId)
    .executeTakeFirst();
  if (!row) throw notFound(`Order ${options.orderId}`);
  const items = await loadOrderItems(db, options.accountId, [row.id]);
  return toOrder(row, items.get(row.id) ?? []);
}
