import * as z from "zod";
import type { Db } from "../db/database.js";
import { lockRowsForUpdate } from "../db/locks.js";
import { notFound } from "../errors.js";
import { requireCurrentVersion } from "../shared/etag.js";
import { singleLineText } from "../shared/validation.js";
import { recordMarketplaceEvent } from "./events/marketplace-events.js";
import { getSeller } from "./get-seller.js";
import { parseChanges } from "./parse-changes.js";
import { type Seller, sellerStatuses } from "./seller-view.js";

/** What an API key with sellers:write may change on a seller. */
export const sellerChangesSchema = z.strictObject({
  name: singleLineText("Name", 120).optional(),
  status: z.enum(sellerStatuses).optional(),
});
export type SellerChanges = z.infer<typeof sellerChangesSchema>;

export interface UpdateSellerOptions {
  accountId: string;
  sellerId: string;
  changes: SellerChanges;
  /** If-Match: change only if the seller is still this version. */
  ifMatch?: string | undefined;
  now?: Date;
}

/** Changes the seller's fields sent (the others keep their value), with its `seller.updated` event, in one transaction. */
export async function updateSeller(db: Db, options: UpdateSellerOptions): Promise<Seller> {
  const changes = parseChanges(sellerChangesSchema, options.changes);
  return db.transaction().execute(async (trx) => {
    const [locked] = await lockRowsForUpdate(
      trx,
      trx
        .selectFrom("sellers")
        .select("id")
        .where("account_id", "=", options.accountId)
        .where("id", "=", options.sellerId),
    );
    if (!locked) throw notFound(`Seller ${options.sellerId}`);
    requireCurrentVersion(options.ifMatch, await getSeller(trx, options));
    await trx
      .updateTable("sellers")
      .set({
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.status !== undefined && { status: changes.status }),
        updated_at: (options.now ?? new Date()).toISOString(),
      })
      .where("account_id", "=", options.accountId)
      .where("id", "=", options.sellerId)
      .execute();
    const seller = await getSeller(trx, options);
    await recordMarketplaceEvent(trx, {
      accountId: options.accountId,
      type: "seller.updated",
      resource: { type: "seller", id: seller.id },
      data: seller,
    });
    return seller;
  });
}
