import type { OrdersTable, PayoutsTable, SellersTable } from "../tables.js";
import type { DemoContext } from "./demo-context.js";

const dayMs = 86_400_000;
/** The platform's commission on each payout, in basis points. */
const feeBasisPoints = 1000;
/** Payouts are paid on the Wednesday after the week closes, at 09:00 UTC. */
const payDelayMs = 2 * dayMs + 9 * 3_600_000;

/**
 * One payout per seller per week (Monday to Sunday, UTC) with sales: paid and fulfilled orders count;
 * cancelled and refunded ones do not. Weeks whose pay day is still ahead are pending.
 */
export function generatePayouts(
  demo: DemoContext,
  sellers: SellersTable[],
  orders: OrdersTable[],
): PayoutsTable[] {
  const { accountId, now } = demo;
  const totals = new Map<string, { orderCount: number; grossCents: number }>();
  for (const order of orders) {
    if (order.status !== "paid" && order.status !== "fulfilled") continue;
    const key = `${findWeekStart(Date.parse(order.placed_at))}|${order.seller_id}`;
    const total = totals.get(key) ?? { orderCount: 0, grossCents: 0 };
    total.orderCount += 1;
    total.grossCents += order.total_cents;
    totals.set(key, total);
  }
  const firstOrder = orders[0];
  if (!firstOrder) return [];
  const payouts: PayoutsTable[] = [];
  for (let week = findWeekStart(Date.parse(firstOrder.placed_at)); week <= now.getTime(); week += 7 * dayMs) {
    for (const seller of sellers) {
      const total = totals.get(`${week}|${seller.id}`);
      if (!total) continue;
      const payAt = week + 7 * dayMs + payDelayMs;
      const isPaid = payAt <= now.getTime();
      const feeCents = Math.round((total.grossCents * feeBasisPoints) / 10_000);
      const createdAt = new Date(Math.min(week + 7 * dayMs, now.getTime())).toISOString();
      payouts.push({
        account_id: accountId,
        id: demo.idOf("pay", payouts.length + 1),
        seller_id: seller.id,
        period_start: toDay(week),
        period_end: toDay(week + 6 * dayMs),
        status: isPaid ? "paid" : "pending",
        currency: "USD",
        order_count: total.orderCount,
        gross_cents: total.grossCents,
        fee_cents: feeCents,
        amount_cents: total.grossCents - feeCents,
        paid_at: isPaid ? new Date(payAt).toISOString() : null,
        created_at: createdAt,
        updated_at: isPaid ? new Date(payAt).toISOString() : createdAt,
      });
    }
  }
  return payouts;
}

/** Midnight UTC of the Monday on or before `time`. */
function findWeekStart(time: number): number {
  const day = Math.floor(time / dayMs);
  // 1970-01-01 was a Thursday: day 0 is three days after a Monday.
  return (day - ((day + 3) % 7)) * dayMs;
}

function toDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}
