import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getSalesReport } from "../../src/marketplace/get-sales-report.js";
import { listOrders } from "../../src/marketplace/list-orders.js";
import type { Order } from "../../src/marketplace/order-view.js";
import {
  collectPages,
  demoNow,
  type MarketplaceTestDatabase,
  openMarketplaceTestDatabase,
} from "./marketplace-test-database.js";

let t: MarketplaceTestDatabase;
let accountId: string;
let allOrders: Order[];
const range = { from: "2025-04-01", to: "2025-05-31" };

beforeAll(async () => {
  t = await openMarketplaceTestDatabase();
  accountId = await t.createAccount({ seed: 11 });
  const listed = await collectPages((cursor) => listOrders(t.db, { accountId, limit: 100, cursor }));
  allOrders = listed.items;
});
afterAll(async () => t.close());

function sold(from: string, to: string): Order[] {
  return allOrders.filter(
    (order) =>
      order.status !== "cancelled" &&
      order.placedAt.slice(0, 10) >= from &&
      order.placedAt.slice(0, 10) <= to,
  );
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

describe("the sales report", () => {
  it("is the same for the same seed and dates", async () => {
    const other = await t.createAccount({ seed: 11 });
    const first = await getSalesReport(t.db, { accountId, ...range });
    const second = await getSalesReport(t.db, { accountId: other, ...range });
    expect(second).toEqual(first);
  });

  it("matches totals computed independently from the listed orders, leaving cancelled orders out", async () => {
    const report = await getSalesReport(t.db, { accountId, ...range });
    const expected = sold(range.from, range.to);
    expect(report.totals).toEqual({
      orders: expected.length,
      units: sum(expected.map((order) => order.units)),
      grossCents: sum(expected.map((order) => order.totalCents)),
    });
    expect(allOrders.some((order) => order.status === "cancelled")).toBe(true);
    expect(report.currency).toBe("USD");
  });

  it("by day has one row per day of the range, oldest first, summing to the totals", async () => {
    const report = await getSalesReport(t.db, { accountId, ...range, groupBy: "day" });
    expect(report.rows).toHaveLength(61);
    expect(report.rows[0]?.key).toBe("2025-04-01");
    expect(report.rows.at(-1)?.key).toBe("2025-05-31");
    expect(sum(report.rows.map((row) => row.orders))).toBe(report.totals.orders);
    expect(sum(report.rows.map((row) => row.units))).toBe(report.totals.units);
    expect(sum(report.rows.map((row) => row.grossCents))).toBe(report.totals.grossCents);
    const day = report.rows.find((row) => row.key === "2025-05-05");
    const expected = sold("2025-05-05", "2025-05-05");
    expect(day).toMatchObject({
      orders: expected.length,
      grossCents: sum(expected.map((o) => o.totalCents)),
    });
  });

  it("by day shows days without sales as zero rows", async () => {
    const report = await getSalesReport(t.db, { accountId, from: "2024-01-01", to: "2024-01-03" });
    expect(report.rows).toEqual(
      ["2024-01-01", "2024-01-02", "2024-01-03"].map((key) => ({
        key,
        label: key,
        orders: 0,
        units: 0,
        grossCents: 0,
      })),
    );
    expect(report.totals).toEqual({ orders: 0, units: 0, grossCents: 0 });
  });

  it("by seller labels rows with seller names, best-selling first, matching the listed orders", async () => {
    const report = await getSalesReport(t.db, { accountId, ...range, groupBy: "seller" });
    const grosses = report.rows.map((row) => row.grossCents);
    expect(grosses).toEqual([...grosses].sort((a, b) => b - a));
    expect(sum(report.rows.map((row) => row.orders))).toBe(report.totals.orders);
    expect(sum(grosses)).toBe(report.totals.grossCents);
    for (const row of report.rows) {
      const orders = sold(range.from, range.to).filter((order) => order.sellerId === row.key);
      expect(row).toMatchObject({ orders: orders.length, units: sum(orders.map((o) => o.units)) });
      expect(row.label).not.toBe(row.key);
    }
  });

  it("by product sums line items, counting an order once per product it contains", async () => {
    const report = await getSalesReport(t.db, { accountId, ...range, groupBy: "product" });
    const lines = sold(range.from, range.to).flatMap((order) => order.items.map((item) => ({ order, item })));
    for (const row of report.rows) {
      const mine = lines.filter(({ item }) => item.productId === row.key);
      expect(row.orders).toBe(new Set(mine.map(({ order }) => order.id)).size);
      expect(row.units).toBe(sum(mine.map(({ item }) => item.quantity)));
      expect(row.grossCents).toBe(sum(mine.map(({ item }) => item.totalCents)));
    }
    expect(sum(report.rows.map((row) => row.units))).toBe(report.totals.units);
    expect(sum(report.rows.map((row) => row.grossCents))).toBe(report.totals.grossCents);
    expect(sum(report.rows.map((row) => row.orders))).toBeGreaterThanOrEqual(report.totals.orders);
  });

  it("covers the last 30 days, today included, when no dates are given", async () => {
    const report = await getSalesReport(t.db, { accountId, now: demoNow });
    expect(report).toMatchObject({ from: "2025-05-17", to: "2025-06-15", groupBy: "day" });
    expect(report.rows).toHaveLength(30);
    expect(report.totals.orders).toBe(sold("2025-05-17", "2025-06-15").length);
  });

  it("allows a range of exactly 366 days", async () => {
    const report = await getSalesReport(t.db, { accountId, from: "2024-06-15", to: "2025-06-15" });
    expect(report.rows).toHaveLength(366);
    expect(report.totals.orders).toBe(sold("2024-06-15", "2025-06-15").length);
  });
});

describe("the sales report refuses", () => {
  const refused = (fields: string[], message: RegExp) => ({
    code: "invalid_request",
    message: expect.stringMatching(message),
    details: { fields },
  });

  it("a from that is not a YYYY-MM-DD date, naming from", async () => {
    await expect(getSalesReport(t.db, { accountId, from: "06/01/2025" })).rejects.toMatchObject(
      refused(["from"], /^from: .*YYYY-MM-DD/),
    );
  });

  it("a to that is not a real calendar day, naming to", async () => {
    await expect(
      getSalesReport(t.db, { accountId, from: "2025-02-01", to: "2025-02-30" }),
    ).rejects.toMatchObject(refused(["to"], /^to: /));
  });

  it("a to before from, naming to", async () => {
    await expect(
      getSalesReport(t.db, { accountId, from: "2025-05-02", to: "2025-05-01" }),
    ).rejects.toMatchObject(refused(["to"], /^to: .*on or after from/));
  });

  it("a from after today when to is left out, naming from", async () => {
    await expect(getSalesReport(t.db, { accountId, from: "2025-07-01", now: demoNow })).rejects.toMatchObject(
      refused(["from"], /^from: /),
    );
  });

  it("a range longer than 366 days", async () => {
    await expect(
      getSalesReport(t.db, { accountId, from: "2024-06-14", to: "2025-06-15" }),
    ).rejects.toMatchObject(refused(["to"], /367 days.*at most 366/));
  });

  it("an unknown grouping, naming groupBy", async () => {
    const groupBy = "week" as "day";
    await expect(getSalesReport(t.db, { accountId, groupBy })).rejects.toMatchObject(
      refused(["groupBy"], /^groupBy: /),
    );
  });
});
