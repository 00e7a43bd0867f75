import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
let secret: string;

beforeAll(async () => {
  t = await createTestApp();
  const account = await createTestAccount(t);
  secret = (await generateKey(account.admin, { all: true })).secret;
});
afterAll(async () => t.close());

function call(
  method: "GET" | "POST" | "PATCH",
  url: string,
  payload?: object,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${secret}` },
    ...(payload === undefined ? {} : { payload }),
  });
}

interface Order {
  id: string;
  sellerId: string;
  status: string;
  units: number;
  totalCents: number;
  placedAt: string;
}

async function allPages<T>(url: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page = (await call("GET", `${url}&limit=100${cursor ? `&cursor=${cursor}` : ""}`)).json() as {
      items: T[];
      nextCursor: string | null;
    };
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

describe("The sales report on the demo marketplace", () => {
  it("reconciles by day and seller with the orders list: every row and the totals", async () => {
    const to = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    const report = (
      await call("GET", `/api/v1/reports/sales?from=${from}&to=${to}&groupBy=day,seller`)
    ).json() as {
      totals: { orders: number; units: number; grossCents: number };
      rows: { key: string; day?: string; orders: number; units: number; grossCents: number }[];
    };
    const sold = (await allPages<Order>(`/api/v1/orders?from=${from}&to=${to}`)).filter(
      (order) => order.status !== "cancelled",
    );
    expect(sold.length).toBeGreaterThan(50);
    const expected = new Map<string, { orders: number; units: number; grossCents: number }>();
    for (const order of sold) {
      const key = `${order.placedAt.slice(0, 10)}/${order.sellerId}`;
      const row = expected.get(key) ?? { orders: 0, units: 0, grossCents: 0 };
      expected.set(key, {
        orders: row.orders + 1,
        units: row.units + order.units,
        grossCents: row.grossCents + order.totalCents,
      });
    }
    const reported = new Map(
      report.rows
        .filter((row) => row.orders > 0)
        .map((row) => [row.key, { orders: row.orders, units: row.units, grossCents: row.grossCents }]),
    );
    expect(reported).toEqual(expected);
    expect(report.totals).toEqual({
      orders: sold.length,
      units: sold.reduce((sum, order) => sum + order.units, 0),
      grossCents: sold.reduce((sum, order) => sum + order.totalCents, 0),
    });
  });
});
