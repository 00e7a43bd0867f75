import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemoMarketplace } from "../../src/marketplace/demo-data.js";
import { getSalesReport } from "../../src/marketplace/get-sales-report.js";
import {
  demoNow,
  type MarketplaceTestDatabase,
  openMarketplaceTestDatabase,
} from "./marketplace-test-database.js";

let t: MarketplaceTestDatabase;
beforeAll(async () => {
  t = await openMarketplaceTestDatabase();
});
afterAll(async () => t.close());

const options = { accountId: "acc_demo", seed: 42, now: demoNow };

describe("the demo marketplace", () => {
  it("is identical for the same account, seed and clock", () => {
    expect(generateDemoMarketplace(options)).toEqual(generateDemoMarketplace(options));
  });

  it("differs for another seed", () => {
    const other = generateDemoMarketplace({ ...options, seed: 43 });
    expect(other.orders).not.toEqual(generateDemoMarketplace(options).orders);
  });

  it("gives two accounts with the same seed the same figures under different ids", async () => {
    const first = await t.createAccount({ seed: 42 });
    const second = await t.createAccount({ seed: 42 });
    const report = (accountId: string) =>
      getSalesReport(t.db, { accountId, from: "2025-03-01", to: "2025-06-15", groupBy: "seller" });
    const [a, b] = await Promise.all([report(first), report(second)]);
    expect(b.totals).toEqual(a.totals);
    expect(b.rows.map(({ key: _, ...row }) => row)).toEqual(a.rows.map(({ key: _, ...row }) => row));
    expect(b.rows.map((row) => row.key)).not.toEqual(a.rows.map((row) => row.key));
  });

  it("has twelve sellers, sixty products and 15 to 25 orders on each full day of the 90 before now", () => {
    const demo = generateDemoMarketplace(options);
    expect(demo.sellers).toHaveLength(12);
    expect(demo.products).toHaveLength(60);
    const perDay = new Map<string, number>();
    for (const order of demo.orders) {
      const day = order.placed_at.slice(0, 10);
      perDay.set(day, (perDay.get(day) ?? 0) + 1);
    }
    expect(perDay.size).toBe(90);
    perDay.delete(demoNow.toISOString().slice(0, 10));
    for (const count of perDay.values()) expect(count).toBeGreaterThanOrEqual(15);
    for (const count of perDay.values()) expect(count).toBeLessThanOrEqual(25);
    expect(demo.orders.every((order) => order.placed_at <= demoNow.toISOString())).toBe(true);
  });

  it("keeps every order's units and total equal to its line items and sells only the order's seller's products", () => {
    const demo = generateDemoMarketplace(options);
    const sellerOf = new Map(demo.products.map((product) => [product.id, product.seller_id]));
    for (const order of demo.orders) {
      const items = demo.orderItems.filter((item) => item.order_id === order.id);
      expect(items.length).toBeGreaterThanOrEqual(1);
      expect(items.length).toBeLessThanOrEqual(3);
      expect(order.units).toBe(items.reduce((sum, item) => sum + item.quantity, 0));
      expect(order.total_cents).toBe(items.reduce((sum, item) => sum + item.total_cents, 0));
      expect(items.every((item) => sellerOf.get(item.product_id) === order.seller_id)).toBe(true);
    }
  });

  it("has paid, fulfilled, cancelled and refunded orders, with paid ones waiting to be fulfilled", () => {
    const demo = generateDemoMarketplace(options);
    const statuses = new Set(demo.orders.map((order) => order.status));
    expect([...statuses].sort()).toEqual(["cancelled", "fulfilled", "paid", "refunded"]);
    for (const order of demo.orders) {
      expect(order.fulfilled_at === null).toBe(order.status === "paid" || order.status === "cancelled");
    }
  });

  it("pays each seller weekly the paid and fulfilled orders less a 10% fee", () => {
    const demo = generateDemoMarketplace(options);
    const payable = demo.orders.filter((order) => order.status === "paid" || order.status === "fulfilled");
    const grossPaidOut = demo.payouts.reduce((sum, payout) => sum + payout.gross_cents, 0);
    expect(grossPaidOut).toBe(payable.reduce((sum, order) => sum + order.total_cents, 0));
    expect(demo.payouts.reduce((sum, payout) => sum + payout.order_count, 0)).toBe(payable.length);
    for (const payout of demo.payouts) {
      expect(payout.amount_cents + payout.fee_cents).toBe(payout.gross_cents);
      expect(payout.fee_cents).toBe(Math.round(payout.gross_cents / 10));
      expect(new Date(`${payout.period_start}T00:00:00Z`).getUTCDay()).toBe(1);
      expect(payout.paid_at === null).toBe(payout.status === "pending");
    }
    expect(demo.payouts.some((payout) => payout.status === "pending")).toBe(true);
  });
});
