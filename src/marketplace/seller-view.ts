import type { Selectable } from "kysely";
import * as z from "zod";
import { timestampSchema } from "../shared/schemas.js";
import type { SellersTable } from "./tables.js";

export const sellerStatuses = ["active", "suspended"] as const;

export const sellerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    country: z.string(),
    status: z.enum(sellerStatuses),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "Seller" });
export type Seller = z.infer<typeof sellerSchema>;

export function toSeller(row: Selectable<SellersTable>): Seller {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    country: row.country,
    status: row.status,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
