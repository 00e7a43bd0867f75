import { z } from "zod";
import type { Db } from "../db/database.js";
import { notFound } from "../errors.js";
import { singleLineText } from "../shared/validation.js";
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
  now?: Date;
}

/** Renames a seller or changes its status; fields left out keep their value. */
export async function updateSeller(db: Db, options: UpdateSellerOptions): Promise<Seller> {
  const changes = parseChanges(sellerChangesSchema, options.changes);
  const result = await db
    .updateTable("sellers")
    .set({
      ...(changes.name !== undefined && { name: changes.name }),
      ...(changes.status !== undefined && { status: changes.status }),
      updated_at: (options.now ?? new Date()).toISOString(),
    })
    .where("account_id", "=", options.accountId)
    .where("id", "=", options.sellerId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw notFound(`Seller ${options.sellerId}`);
  return getSeller(db, options);
}
