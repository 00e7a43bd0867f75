import type { Db } from "../db/database.js";
import { lockRowsForUpdate } from "../db/locks.js";
import { AppError, notFound } from "../errors.js";
import { requireCurrentVersion } from "../shared/etag.js";
import { recordMarketplaceEvent } from "./events/marketplace-events.js";
import { getOrder } from "./get-order.js";
import type { Order } from "./order-view.js";

export interface FulfilOrderOptions {
  accountId: string;
  orderId: string;
  /** If-Match: fulfil only if the order is still this version. */
  ifMatch?: string | undefined;
  now?: Date;
}

/**
 * Marks a paid order fulfilled, with its `order.fulfilled` event, in one transaction. Any other status
 * is a conflict that names it (`currentStatus`); unknown ids are not found.
 */
export async function fulfilOrder(db: Db, options: FulfilOrderOptions): Promise<Order> {
  const fulfilledAt = (options.now ?? new Date()).toISOString();
  return db.transaction().execute(async (trx) => {
    const [locked] = await lockRowsForUpdate(
      trx,
      trx
        .selectFrom("orders")
        .select("id")
        .where("account_id", "=", options.accountId)
        .where("id", "=", options.orderId),
    );
    if (!locked) throw notFound(`Order ${options.orderId}`);
    const before = await getOrder(trx, options);
    requireCurrentVersion(options.ifMatch, before);
    if (before.status !== "paid") {
      throw new AppError(
        "conflict",
        `Order ${before.id} is ${before.status}; only a paid order can be fulfilled.`,
        {
          currentStatus: before.status,
        },
      );
    }
    await trx
      .updateTable("orders")
      .set({ status: "fulfilled", fulfilled_at: fulfilledAt, updated_at: fulfilledAt })
      .where("account_id", "=", options.accountId)
      .where("id", "=", options.orderId)
      .where("status", "=", "paid")
      .execute();
    const order = await getOrder(trx, options);
    await recordMarketplaceEvent(trx, {
      accountId: options.accountId,
      type: "order.fulfilled",
      resource: { type: "order", id: order.id },
      data: order,
    });
    return order;
  });
}
