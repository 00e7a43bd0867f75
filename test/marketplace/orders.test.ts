import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfilOrder } from "../../src/marketplace/fulfil-order.js";
import { getOrder } from "../../src/marketplace/get-order.js";
import { listOrders } from "../../src/marketplace/list-orders.js";
import type { Order } from "../../src/marketplace/order-view.js";
import {
  collectPages,
  type MarketplaceTestDatabase,
  openMarketplaceTestDatabase,
} from "./marketplace-test-database.js";

let t: MarketplaceTestDatabase;
let accountId: string;
let allOrders: Order[];

beforeAll(async () => {
  t = await openMarketplaceTestDatabase();
  accountId = await t.createAccount({ seed: 5 });
  allOrders = (await collectPages((cursor) => listOrders(t.db, { accountId, limit: 100, cursor }))).items;
});
afterAll(async () => t.close());

async function countOrders(): Promise<number> {
  const row = await t.db
    .selectFrom("orders")
    .select((eb) => eb.fn.countAll().as("n"))
    .where("account_id", "=", accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function isNewestFirst(orders: Order[]): boolean {
  return orders.every((order, i) => {
    const previous = orders[i - 1];
    if (!previous) return true;
    return (
      previous.placedAt > order.placedAt || (previous.placedAt === order.placedAt && previous.id > order.id)
    );
  });
}

describe("listing orders", () => {
  it("walks every order exactly once, newest first, at a limit of 100", async () => {
    expect(allOrders).toHaveLength(await countOrders());
    expect(new Set(allOrders.map((order) => order.id)).size).toBe(allOrders.length);
    expect(isNewestFirst(allOrders)).toBe(true);
  });

  it("walks every order exactly once at any limit from 1 to 100", async () => {
    const sellerId = allOrders[0]?.sellerId ?? "";
    const expected = allOrders.filter((order) => order.sellerId === sellerId).map((order) => order.id);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 100 }), async (limit) => {
        const walk = await collectPages((cursor) => listOrders(t.db, { accountId, sellerId, limit, cursor }));
        expect(walk.items.map((order) => order.id)).toEqual(expected);
        // The last page is the one holding the last order: no empty page after an exact multiple.
        expect(walk.pages).toBe(Math.max(1, Math.ceil(expected.length / limit)));
      }),
      { numRuns: 25 },
    );
  });

  it("walks orders placed at the same instant exactly once, ordered by id", async () => {
    const tied = await t.createAccount({ seed: 9 });
    await t.db
      .updateTable("orders")
      .set({ placed_at: "2025-06-01T12:00:00.000Z" })
      .where("account_id", "=", tied)
      .execute();
    const walk = await collectPages((cursor) => listOrders(t.db, { accountId: tied, limit: 7, cursor }));
    const ids = walk.items.map((order) => order.id);
    expect(ids).toEqual([...ids].sort().reverse());
    expect(new Set(ids).size).toBe(ids.length);
    const row = await t.db
      .selectFrom("orders")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("account_id", "=", tied)
      .executeTakeFirstOrThrow();
    expect(ids).toHaveLength(Number(row.n));
  });

  it("returns 25 orders with their line items by default", async () => {
    const page = await listOrders(t.db, { accountId });
    expect(page.items).toHaveLength(25);
    expect(page.items.every((order) => order.items.length >= 1)).toBe(true);
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it("filters by status, seller and the days placed", async () => {
    const paid = await collectPages((cursor) =>
      listOrders(t.db, { accountId, status: "paid", limit: 100, cursor }),
    );
    expect(paid.items.map((o) => o.id)).toEqual(
      allOrders.filter((o) => o.status === "paid").map((o) => o.id),
    );
    expect(paid.items.length).toBeGreaterThan(0);

    const sellerId = allOrders[10]?.sellerId ?? "";
    const filters = {
      accountId,
      sellerId,
      status: "fulfilled" as const,
      from: "2025-05-01",
      to: "2025-05-10",
    };
    const some = await collectPages((cursor) => listOrders(t.db, { ...filters, limit: 7, cursor }));
    const expected = allOrders.filter(
      (o) =>
        o.sellerId === sellerId &&
        o.status === "fulfilled" &&
        o.placedAt >= "2025-05-01T00:00:00.000Z" &&
        o.placedAt < "2025-05-11T00:00:00.000Z",
    );
    expect(some.items.map((o) => o.id)).toEqual(expected.map((o) => o.id));
    expect(expected.length).toBeGreaterThan(0);
  });

  it("refuses a limit outside 1 to 100, naming limit", async () => {
    for (const limit of [0, 101, 2.5]) {
      await expect(listOrders(t.db, { accountId, limit })).rejects.toMatchObject({
        code: "invalid_request",
        details: { fields: ["limit"] },
      });
    }
  });

  it("refuses a cursor it did not make, naming cursor", async () => {
    for (const cursor of ["not-a-cursor", Buffer.from('["only-one"]').toString("base64url")]) {
      await expect(listOrders(t.db, { accountId, cursor })).rejects.toMatchObject({
        code: "invalid_request",
        details: { fields: ["cursor"] },
      });
    }
  });

  it("refuses a to before from, naming to", async () => {
    await expect(listOrders(t.db, { accountId, from: "2025-05-02", to: "2025-05-01" })).rejects.toMatchObject(
      {
        code: "invalid_request",
        details: { fields: ["to"] },
      },
    );
  });
});

describe("getting an order", () => {
  it("returns the order with its line items", async () => {
    const listed = allOrders[3];
    expect(await getOrder(t.db, { accountId, orderId: listed?.id ?? "" })).toEqual(listed);
  });

  it("does not find an id the account does not have", async () => {
    await expect(getOrder(t.db, { accountId, orderId: "ord_missing" })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});

describe("fulfilling an order", () => {
  const now = new Date("2025-06-15T15:00:00.000Z");

  it("marks a paid order fulfilled at that moment", async () => {
    const paid = allOrders.find((order) => order.status === "paid");
    const fulfilled = await fulfilOrder(t.db, { accountId, orderId: paid?.id ?? "", now });
    expect(fulfilled).toMatchObject({ id: paid?.id, status: "fulfilled", fulfilledAt: now.toISOString() });
    expect(await getOrder(t.db, { accountId, orderId: paid?.id ?? "" })).toEqual(fulfilled);
  });

  it("refuses to fulfil it a second time, naming its status", async () => {
    const paid = allOrders.filter((order) => order.status === "paid")[1];
    await fulfilOrder(t.db, { accountId, orderId: paid?.id ?? "", now });
    await expect(fulfilOrder(t.db, { accountId, orderId: paid?.id ?? "", now })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("is fulfilled"),
    });
  });

  it("refuses cancelled and refunded orders without changing them", async () => {
    for (const status of ["cancelled", "refunded"] as const) {
      const order = allOrders.find((o) => o.status === status);
      await expect(fulfilOrder(t.db, { accountId, orderId: order?.id ?? "", now })).rejects.toMatchObject({
        code: "conflict",
        message: expect.stringContaining(`is ${status}`),
      });
      expect(await getOrder(t.db, { accountId, orderId: order?.id ?? "" })).toEqual(order);
    }
  });

  it("does not find another account's order and leaves it paid", async () => {
    const other = await t.createAccount({ seed: 6 });
    const theirs = (await listOrders(t.db, { accountId: other, status: "paid", limit: 1 })).items[0];
    await expect(fulfilOrder(t.db, { accountId, orderId: theirs?.id ?? "", now })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await getOrder(t.db, { accountId: other, orderId: theirs?.id ?? "" })).toMatchObject({
      status: "paid",
    });
  });
});
