import type { Db } from "../db/database.js";
import { notFound } from "../errors.js";
import { type Product, toProduct } from "./product-view.js";

export interface GetProductOptions {
  accountId: string;
  productId: string;
}

/** One of the account's products; another account's product id is not found. */
export async function getProduct(db: Db, options: GetProductOptions): Promise<Product> {
  const row = await db
    .selectFrom("products")
    .selectAll()
    .where("account_id", "=", options.accountId)
    .where("id", "=", options.productId)
    .executeTakeFirst();
  if (!row) throw notFound(`Product ${options.productId}`);
  return toProduct(row);
}
