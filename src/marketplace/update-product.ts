import * as z from "zod";
import type { Db } from "../db/database.js";
import { lockRowsForUpdate } from "../db/locks.js";
import { notFound } from "../errors.js";
import { requireCurrentVersion } from "../shared/etag.js";
import { singleLineText } from "../shared/validation.js";
import { recordMarketplaceEvent } from "./events/marketplace-events.js";
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
  /** If-Match: change only if the product is still this version. */
  ifMatch?: string | undefined;
  now?: Date;
}

/** Changes the product's fields sent (the others keep their value), with its `product.updated` event, in one transaction. */
export async function updateProduct(db: Db, options: UpdateProductOptions): Promise<Product> {
  const changes = parseChanges(productChangesSchema, options.changes);
  return db.transaction().execute(async (trx) => {
    const [locked] = await lockRowsForUpdate(
      trx,
      trx
        .selectFrom("products")
        .select("id")
        .where("account_id", "=", options.accountId)
        .where("id", "=", options.productId),
    );
    if (!locked) throw notFound(`Product ${options.productId}`);
    requireCurrentVersion(options.ifMatch, await getProduct(trx, options));
    await trx
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
      .execute();
    const product = await getProduct(trx, options);
    await recordMarketplaceEvent(trx, {
      accountId: options.accountId,
      type: "product.updated",
      resource: { type: "product", id: product.id },
      data: product,
    });
    return product;
  });
}
