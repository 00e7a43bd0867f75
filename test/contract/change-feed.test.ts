import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueIp } from "../hardening/support/network.js";
import { callWithKey, marketplaceIds } from "../hardening/support/requests.js";
import { generateWith } from "../hygiene/support.js";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

// An integration follows GET /api/v1/events with `after` while the marketplace changes under it: every
// change must arrive exactly once, in order, however the pages fall between the writes.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

interface FeedPage {
  items: { id: string; type: string; resource: { id: string } }[];
  nextCursor: string;
}

describe("the events feed while writes happen", () => {
  it("returns every change exactly once, in order, across small pages", async () => {
    const { admin, accountId } = await createTestAccount(t);
    const key = await generateWith(admin, { permissions: { all: true } });
    const ip = uniqueIp();
    const call = (url: string, method: "GET" | "POST" | "PATCH" = "GET", payload?: unknown) =>
      callWithKey(t, key.secret, url, { ip, method, ...(payload === undefined ? {} : { payload }) });

    // Start after whatever the demo data recorded.
    let cursor = ((await call("/api/v1/events?limit=1")).json() as FeedPage).nextCursor;
    const ids = await marketplaceIds(t.database.db, accountId);
    const orders = ids.paidOrders.slice(0, 12);
    const products = ids.products.slice(0, 12);
    expect(orders.length).toBe(12);

    let writing = true;
    const writes = (async () => {
      try {
        for (let i = 0; i < 12; i++) {
          const [fulfil, patch] = await Promise.all([
            call(`/api/v1/orders/${orders[i]}/fulfil`, "POST"),
            call(`/api/v1/products/${products[i]}`, "PATCH", { stock: 100 + i }),
          ]);
          expect(fulfil.statusCode, fulfil.body).toBe(200);
          expect(patch.statusCode, patch.body).toBe(200);
        }
      } finally {
        writing = false;
      }
    })();

    const seen: FeedPage["items"] = [];
    // Poll while writing, then once more after the last write has committed.
    for (let round = 0; writing || round === 0; ) {
      const response = await call(`/api/v1/events?after=${cursor}&limit=3`);
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json() as FeedPage;
      seen.push(...page.items);
      cursor = page.nextCursor;
      if (!writing) round++;
      await new Promise((wake) => setTimeout(wake, 20));
    }
    await writes;
    for (;;) {
      const page = (await call(`/api/v1/events?after=${cursor}&limit=3`)).json() as FeedPage;
      if (page.items.length === 0) break;
      seen.push(...page.items);
      cursor = page.nextCursor;
    }

    const eventIds = seen.map((event) => event.id);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    expect([...eventIds].sort()).toEqual(eventIds);
    const ofType = (type: string) =>
      seen
        .filter((event) => event.type === type)
        .map((event) => event.resource.id)
        .sort();
    expect(ofType("order.fulfilled")).toEqual([...orders].sort());
    expect(ofType("product.updated")).toEqual([...products].sort());
    expect(seen.length).toBe(24);
  });
});
