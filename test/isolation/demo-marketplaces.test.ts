import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getOrder } from "../../src/marketplace/get-order.js";
import { getProduct } from "../../src/marketplace/get-product.js";
import { getSalesReport } from "../../src/marketplace/get-sales-report.js";
import { getSeller } from "../../src/marketplace/get-seller.js";
import { listOrders } from "../../src/marketplace/list-orders.js";
import { listPayouts } from "../../src/marketplace/list-payouts.js";
import { listProducts } from "../../src/marketplace/list-products.js";
import { listSellers } from "../../src/marketplace/list-sellers.js";
import {
  collectPages,
  type MarketplaceTestDatabase,
  openMarketplaceTestDatabase,
} from "../marketplace/marketplace-test-database.js";

let t: MarketplaceTestDatabase;
let a: string;
let b: string;

beforeAll(async () => {
  t = await openMarketplaceTestDatabase();
  a = await t.createAccount({ seed: 3 });
  b = await t.createAccount({ seed: 3 });
});
afterAll(async () => t.close());

async function everything(accountId: string) {
  const all = <T>(list: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>) =>
    collectPages(list).then((walk) => walk.items);
  return {
    orders: await all((cursor) => listOrders(t.db, { accountId, limit: 100, cursor })),
    products: await all((cursor) => listProducts(t.db, { accountId, limit: 100, cursor })),
    sellers: await all((cursor) => listSellers(t.db, { accountId, limit: 100, cursor })),
    payouts: await all((cursor) => listPayouts(t.db, { accountId, limit: 100, cursor })),
  };
}

describe("two accounts seeded alike", () => {
  it("never list each other's orders, products, sellers or payouts", async () => {
    const [mine, theirs] = [await everything(a), await everything(b)];
    for (const kind of ["orders", "products", "sellers", "payouts"] as const) {
      const theirIds = new Set(theirs[kind].map((row) => row.id));
      expect(mine[kind].length).toBeGreaterThan(0);
      expect(mine[kind].filter((row) => theirIds.has(row.id))).toEqual([]);
    }
    const mySellers = new Set(mine.sellers.map((seller) => seller.id));
    expect(mine.orders.every((order) => mySellers.has(order.sellerId))).toBe(true);
    expect(mine.payouts.every((payout) => mySellers.has(payout.sellerId))).toBe(true);
  });

  it("cannot get each other's rows by id", async () => {
    const theirs = await everything(b);
    const order = theirs.orders[0]?.id ?? "";
    const product = theirs.products[0]?.id ?? "";
    const seller = theirs.sellers[0]?.id ?? "";
    await expect(getOrder(t.db, { accountId: a, orderId: order })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(getProduct(t.db, { accountId: a, productId: product })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(getSeller(t.db, { accountId: a, sellerId: seller })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("see nothing when filtering by the other account's seller", async () => {
    const theirSeller = (await listSellers(t.db, { accountId: b, limit: 1 })).items[0]?.id ?? "";
    expect((await listOrders(t.db, { accountId: a, sellerId: theirSeller })).items).toEqual([]);
    expect((await listProducts(t.db, { accountId: a, sellerId: theirSeller })).items).toEqual([]);
    expect((await listPayouts(t.db, { accountId: a, sellerId: theirSeller })).items).toEqual([]);
  });

  it("report only their own sales", async () => {
    const range = { from: "2025-03-01", to: "2025-06-15" };
    const before = await getSalesReport(t.db, { accountId: a, ...range, groupBy: "seller" });
    await t.db.updateTable("orders").set({ status: "cancelled" }).where("account_id", "=", b).execute();
    const after = await getSalesReport(t.db, { accountId: a, ...range, groupBy: "seller" });
    expect(after).toEqual(before);
    expect(before.totals.orders).toBeGreaterThan(0);
    expect((await getSalesReport(t.db, { accountId: b, ...range })).totals.orders).toBe(0);
  });
});
