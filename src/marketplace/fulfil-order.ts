import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import { getOrder } from "./get-order.js";
import type { Order } from "./order-view.js";

export interface FulfilOrderOptions {
  accountId: string;
  orderId: string;
  now?: Date;
}

/** Marks a paid order fulfilled. Any other status is a conflict that names it; unknown ids are not found. */
export async function fulfilOrder(db: Db, options: FulfilOrderOptions): Promise<Order> {
  const fulfilledAt = (options.now ?? new Date()).toISOString();
  // Conditional on status = 'paid' so two concurrent fulfilments cannot both succeed.
  const result = await db
    .updateTable("orders")
    .set({ status: "fulfilled", fulfilled_at: fulfilledAt, updated_at: fulfilledAt })
    .where("account_id", "=", options.accountId)
    .where("id", "=", options.orderId)
    .where("status", "=", "paid")
    .executeTakeFirst();
  const order = await getOrder(db, options);
  if (result.numUpdatedRows === 0n) {
    throw new AppError(
      "conflict",
      `Order ${order.id} is ${order.status}; only a paid order can be fulfilled.`,
      { status: order.status },
    );
  }
  return order;
}
