import type { Selectable } from "kysely";
import * as z from "zod";
import { timestampSchema } from "../shared/schemas.js";
import type { ProductsTable } from "./tables.js";

export const productStatuses = ["active", "inactive"] as const;

export const productSchema = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    sku: z.string(),
    title: z.string(),
    priceCents: z.int().nonnegative(),
    stock: z.int().nonnegative(),
    status: z.enum(productStatuses),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "Product" });
export type Product = z.infer<typeof productSchema>;

export function toProduct(row: Selectable<ProductsTable>): Product {
  return {
    id: row.id,
    sellerId: row.seller_id,
    sku: row.sku,
    title: row.title,
    priceCents: row.price_cents,
    stock: row.stock,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
