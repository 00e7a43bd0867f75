import type { Selectable } from "kysely";
import * as z from "zod";
import { timestampSchema } from "../shared/schemas.js";
import type { PayoutsTable } from "./tables.js";

export const payoutStatuses = ["pending", "paid"] as const;

export const payoutSchema = z
  .object({
    id: z.string(),
    sellerId: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    status: z.enum(payoutStatuses),
    currency: z.string(),
    orderCount: z.int().nonnegative(),
    grossCents: z.int().nonnegative(),
    feeCents: z.int().nonnegative(),
    amountCents: z.int().nonnegative(),
    paidAt: timestampSchema.nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "Payout" });
export type Payout = z.infer<typeof payoutSchema>;

export function toPayout(row: Selectable<PayoutsTable>): Payout {
  return {
    id: row.id,
    sellerId: row.seller_id,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    status: row.status,
    currency: row.currency,
    orderCount: row.order_count,
    grossCents: row.gross_cents,
    feeCents: row.fee_cents,
    amountCents: row.amount_cents,
    paidAt: row.paid_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
