import { z } from "zod";
import type { Db } from "../db/database.js";
import { notFound } from "../errors.js";
import { singleLineText } from "../shared/validation.js";
import { getProduct } from "./get-product.js";
import { parseChanges } from "./parse-changes.js";
import { type Product, productStatuses } from "./product-view.js";

/** What an API key with catalog:write may change on a product. */
export const productChangesSchema = z.strictObject({
  title: singleLineText("Title", 200).optional(),
  priceCents: z.number().int().min(0).max(100_000_000).optional(),
  stock: z.number().int().min(0).max(1_000_000).optional(),
  status: z.enum(productStatuses).optional(),
});
export type ProductChanges = z.infer<typeof productChangesSchema>;

export interface UpdateProductOptions {
  accountId: string;
  productId: string;
  changes: ProductChanges;
  now?: Date;
}

/** Changes a product's title, price, stock or status; fields left out keep their value. */
export async function updateProduct(db: Db, options: UpdateProductOptions): Promise<Product> {
  const changes = parseChanges(productChangesSchema, options.changes);
  const result = await db
    .updateTable("products")
    .set({
      ...(changes.title !== undefined && { title: changes.title }),
      ...(changes.priceCents !== undefined && { price_cents: changes.priceCents }),
      ...(changes.stock !== undefined && { stock: changes.stock }),
      ...(changes.status !== undefined && { status: changes.status }),
      updated_at: (options.now ?? new Date()).toISOString(),
    })
    .where("account_id", "=", options.accountId)
    .where("id", "=", options.productId)
    .executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw notFound(`Product ${options.productId}`);
  return getProduct(db, options);
}
