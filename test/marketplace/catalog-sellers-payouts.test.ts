import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getProduct } from "../../src/marketplace/get-product.js";
import { getSeller } from "../../src/marketplace/get-seller.js";
import { listPayouts } from "../../src/marketplace/list-payouts.js";
import { listProducts } from "../../src/marketplace/list-products.js";
import { listSellers } from "../../src/marketplace/list-sellers.js";
import type { ProductChanges } from "../../src/marketplace/update-product.js";
import { updateProduct } from "../../src/marketplace/update-product.js";
import { updateSeller } from "../../src/marketplace/update-seller.js";
import {
  collectPages,
  type MarketplaceTestDatabase,
  openMarketplaceTestDatabase,
} from "./marketplace-test-database.js";

let t: MarketplaceTestDatabase;
let accountId: string;
let otherAccountId: string;
const now = new Date("2025-06-16T08:00:00.000Z");

beforeAll(async () => {
  t = await openMarketplaceTestDatabase();
  accountId = await t.createAccount({ seed: 21 });
  otherAccountId = await t.createAccount({ seed: 22 });
});
afterAll(async () => t.close());

describe("products", () => {
  it("are listed in id order, every product once across pages", async () => {
    const walk = await collectPages((cursor) => listProducts(t.db, { accountId, limit: 7, cursor }));
    const ids = walk.items.map((product) => product.id);
    expect(ids).toHaveLength(60);
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(walk.pages).toBe(9);
  });

  it("can be filtered by seller and by status", async () => {
    const all = (await listProducts(t.db, { accountId, limit: 100 })).items;
    const sellerId = all[0]?.sellerId ?? "";
    const bySeller = await listProducts(t.db, { accountId, sellerId, limit: 100 });
    expect(bySeller.items).toEqual(all.filter((product) => product.sellerId === sellerId));
    const inactive = await listProducts(t.db, { accountId, status: "inactive", limit: 100 });
    expect(inactive.items).toEqual(all.filter((product) => product.status === "inactive"));
    expect(inactive.items.length).toBeGreaterThan(0);
  });

  it("take a partial update and keep the fields left out", async () => {
    const before = (await listProducts(t.db, { accountId, limit: 1 })).items[0];
    const productId = before?.id ?? "";
    const after = await updateProduct(t.db, {
      accountId,
      productId,
      changes: { priceCents: 1999, stock: 0 },
      now,
    });
    expect(after).toEqual({ ...before, priceCents: 1999, stock: 0, updatedAt: now.toISOString() });
    const renamed = await updateProduct(t.db, {
      accountId,
      productId,
      changes: { title: "  Walnut Desk Lamp (2025)  ", status: "inactive" },
      now,
    });
    expect(renamed).toMatchObject({ title: "Walnut Desk Lamp (2025)", status: "inactive", priceCents: 1999 });
    expect(await getProduct(t.db, { accountId, productId })).toEqual(renamed);
  });

  it("refuse an empty update, naming body", async () => {
    const productId = (await listProducts(t.db, { accountId, limit: 1 })).items[0]?.id ?? "";
    await expect(updateProduct(t.db, { accountId, productId, changes: {} })).rejects.toMatchObject({
      code: "invalid_request",
      details: { fields: ["body"] },
    });
  });

  it("refuse a negative price, fractional stock, an empty title or an unknown field, naming it", async () => {
    const productId = (await listProducts(t.db, { accountId, limit: 1 })).items[0]?.id ?? "";
    const cases: [unknown, string][] = [
      [{ priceCents: -1 }, "priceCents"],
      [{ stock: 1.5 }, "stock"],
      [{ title: "   " }, "title"],
      [{ sku: "NEW-1" }, "body"],
    ];
    for (const [changes, field] of cases) {
      await expect(
        updateProduct(t.db, { accountId, productId, changes: changes as ProductChanges }),
      ).rejects.toMatchObject({ code: "invalid_request", details: { fields: [field] } });
    }
  });

  it("of another account are not found and not changed", async () => {
    const theirs = (await listProducts(t.db, { accountId: otherAccountId, limit: 1 })).items[0];
    const productId = theirs?.id ?? "";
    await expect(getProduct(t.db, { accountId, productId })).rejects.toMatchObject({ code: "not_found" });
    await expect(updateProduct(t.db, { accountId, productId, changes: { stock: 1 } })).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await getProduct(t.db, { accountId: otherAccountId, productId })).toEqual(theirs);
  });
});

describe("sellers", () => {
  it("are listed in id order, twelve of them", async () => {
    const walk = await collectPages((cursor) => listSellers(t.db, { accountId, limit: 5, cursor }));
    const ids = walk.items.map((seller) => seller.id);
    expect(ids).toHaveLength(12);
    expect(ids).toEqual([...new Set(ids)].sort());
  });

  it("can be renamed and suspended, and filtered by status", async () => {
    const sellerId = (await listSellers(t.db, { accountId, limit: 1 })).items[0]?.id ?? "";
    const updated = await updateSeller(t.db, {
      accountId,
      sellerId,
      changes: { name: "Northwind", status: "suspended" },
      now,
    });
    expect(updated).toMatchObject({
      id: sellerId,
      name: "Northwind",
      status: "suspended",
      updatedAt: now.toISOString(),
    });
    expect(await getSeller(t.db, { accountId, sellerId })).toEqual(updated);
    const suspended = await listSellers(t.db, { accountId, status: "suspended" });
    expect(suspended.items.map((seller) => seller.id)).toEqual([sellerId]);
  });

  it("refuse an unknown status, naming status", async () => {
    const sellerId = (await listSellers(t.db, { accountId, limit: 1 })).items[0]?.id ?? "";
    const changes = { status: "closed" } as unknown as { status: "active" };
    await expect(updateSeller(t.db, { accountId, sellerId, changes })).rejects.toMatchObject({
      code: "invalid_request",
      details: { fields: ["status"] },
    });
  });

  it("of another account are not found and not changed", async () => {
    const theirs = (await listSellers(t.db, { accountId: otherAccountId, limit: 1 })).items[0];
    const sellerId = theirs?.id ?? "";
    await expect(
      updateSeller(t.db, { accountId, sellerId, changes: { name: "Mine now" } }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await getSeller(t.db, { accountId: otherAccountId, sellerId })).toEqual(theirs);
  });
});

describe("payouts", () => {
  it("are listed most recent week first, every payout once across pages", async () => {
    const walk = await collectPages((cursor) => listPayouts(t.db, { accountId, limit: 9, cursor }));
    const weeks = walk.items.map((payout) => payout.periodStart);
    expect(weeks).toEqual([...weeks].sort().reverse());
    expect(new Set(walk.items.map((payout) => payout.id)).size).toBe(walk.items.length);
    expect(walk.items.length).toBeGreaterThan(100);
  });

  it("can be filtered by seller and by status", async () => {
    const all = (await collectPages((cursor) => listPayouts(t.db, { accountId, limit: 100, cursor }))).items;
    const sellerId = all[0]?.sellerId ?? "";
    const bySeller = await collectPages((cursor) =>
      listPayouts(t.db, { accountId, sellerId, limit: 4, cursor }),
    );
    expect(bySeller.items).toEqual(all.filter((payout) => payout.sellerId === sellerId));
    const pending = await listPayouts(t.db, { accountId, status: "pending", limit: 100 });
    expect(pending.items).toEqual(all.filter((payout) => payout.status === "pending"));
    expect(pending.items.every((payout) => payout.paidAt === null)).toBe(true);
  });
});
