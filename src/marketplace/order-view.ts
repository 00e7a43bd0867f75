import type { Selectable } from "kysely";
import * as z from "zod";
import type { Db } from "../db/database.js";
import { timestampSchema } from "../shared/schemas.js";
import type { OrderItemsTable, OrdersTable } from "./tables.js";

export const orderStatuses = ["paid", "fulfilled", "cancelled", "refunded"] as const;

export const orderItemSchema = z
  .object({
    lineNo: z.int().nonnegative(),
    productId: z.string(),
    sku: z.string(),
    title: z.string(),
    quantity: z.int().nonnegative(),
    unitPriceCents: z.int().nonnegative(),
    totalCents: z.int().nonnegative(),
  })
  .meta({ id: "OrderItem" });
export type OrderItem = z.infer<typeof orderItemSchema>;

export const orderSchema = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    status: z.enum(orderStatuses),
    buyerCountry: z.string(),
    currency: z.string(),
    units: z.int().nonnegative(),
    totalCents: z.int().nonnegative(),
    placedAt: timestampSchema,
    fulfilledAt: timestampSchema.nullable(),
    updatedAt: timestampSchema,
    items: z.array(orderItemSchema),
  })
  .meta({ id: "Order" });
export type Order = z.infer<typeof orderSchema>;

export type OrderRow = Selectable<OrdersTable>;

/** The order lists' sort key, newest first: (placed_at, id). */
export function orderSortKey(row: OrderRow): string[] {
  return [row.placed_at, row.id];
}

export function toOrder(row: OrderRow, items: OrderItem[]): Order {
  return {
    id: row.id,
    sellerId: row.seller_id,
    status: row.status,
    buyerCountry: row.buyer_country,
    currency: row.currency,
    units: row.units,
    totalCents: row.total_cents,
    placedAt: row.placed_at,
    fulfilledAt: row.fulfilled_at,
    updatedAt: row.updated_at,
    items,
  };
}

/** The line items of several orders in one query, by order id. */
export async function loadOrderItems(
  db: Db,
  accountId: string,
  orderIds: string[],
): Promise<Map<string, OrderItem[]>> {
  const byOrder = new Map<string, OrderItem[]>();
  if (orderIds.length === 0) return byOrder;
  const rows = await db
    .selectFrom("order_items")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("order_id", "in", orderIds)
    .orderBy("order_id")
    .orderBy("line_no")
    .execute();
  for (const row of rows) {
    const items = byOrder.get(row.order_id) ?? [];
    items.push(toOrderItem(row));
    byOrder.set(row.order_id, items);
  }
  return byOrder;
}

function toOrderItem(row: Selectable<OrderItemsTable>): OrderItem {
  return {
    lineNo: row.line_no,
    productId: row.product_id,
    sku: row.sku,
    title: row.title,
    quantity: row.quantity,
    unitPriceCents: row.unit_price_cents,
    totalCents: row.total_cents,
  };
}
