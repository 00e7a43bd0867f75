import type { Db } from "../db/database.js";
import { notFound } from "../errors.js";
import { type Seller, toSeller } from "./seller-view.js";

export interface GetSellerOptions {
  accountId: string;
  sellerId: string;
}

/** One of the account's sellers; another account's seller id is not found. */
export async function getSeller(db: Db, options: GetSellerOptions): Promise<Seller> {
  const row = await db
    .selectFrom("sellers")
    .selectAll()
    .where("account_id", "=", options.accountId)
    .where("id", "=", options.sellerId)
    .executeTakeFirst();
  if (!row) throw notFound(`Seller ${options.sellerId}`);
  return toSeller(row);
}
