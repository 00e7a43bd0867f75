import type { Selectable } from "kysely";
import { z } from "zod";
import type { PayoutsTable } from "./tables.js";

export const payoutStatuses = ["pending", "paid"] as const;

export const payoutSchema = z.object({
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
  paidAt: z.string().nullable(),
  createdAt: z.string(),
});
export type Payout = z.infer<typeof payoutSchema>;

export function toPayout(row: Selectable<PayoutsTable>): Payout {
  return {
    id: row.id,
    sellerId: row.seller_id,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    status: row.status,
    currency: row.currency,
    orderCount: Number(row.order_count),
    grossCents: Number(row.gross_cents),
    feeCents: Number(row.fee_cents),
    amountCents: Number(row.amount_cents),
    paidAt: row.paid_at,
    createdAt: row.created_at,
  };
}
