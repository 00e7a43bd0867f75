import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Permissions, RequiredPermission } from "../../src/keys/permissions.js";
import { callApi, createTestAccount, generateKey, type TestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
let account: TestAccount;
let allKey: string;

beforeAll(async () => {
  t = await createTestApp();
  account = await createTestAccount(t);
  allKey = (await generateKey(account.admin, { all: true })).secret;
});
afterAll(async () => t.close());

const keyWith = async (permissions: Permissions) => (await generateKey(account.admin, permissions)).secret;

describe("the marketplace API", () => {
  it("answers every read route in camelCase with a key holding all permissions", async () => {
    const orders = await callApi(t, allKey, "/api/v1/orders?limit=2");
    expect(orders.statusCode).toBe(200);
    const page = orders.json() as { items: { id: string; sellerId: string }[]; nextCursor: string };
    expect(page.items).toHaveLength(2);
    const order = page.items[0];
    const next = await callApi(t, allKey, `/api/v1/orders?limit=2&cursor=${page.nextCursor}`);
    expect(next.statusCode).toBe(200);
    const urls = [
      "/api/v1/reports/sales?groupBy=seller",
      `/api/v1/orders/${order?.id}`,
      "/api/v1/products?status=active",
      "/api/v1/sellers",
      `/api/v1/sellers/${order?.sellerId}`,
      `/api/v1/payouts?sellerId=${order?.sellerId}`,
    ];
    for (const url of urls) {
      const response = await callApi(t, allKey, url);
      expect(response.statusCode, `${url}: ${response.body}`).toBe(200);
      expect(response.body).not.toMatch(/"[a-z]+_[a-z_]+":/);
    }
  });

  it("lets a reporting key read the sales report and nothing else", async () => {
    const key = await keyWith({ all: false, sections: { reporting: "read" } });
    const report = await callApi(t, key, "/api/v1/reports/sales?from=2025-01-01&to=2025-01-31&groupBy=day");
    expect(report.statusCode).toBe(200);
    expect(report.json()).toMatchObject({
      from: "2025-01-01",
      to: "2025-01-31",
      groupBy: "day",
      currency: "USD",
    });
    for (const url of ["/api/v1/orders", "/api/v1/products", "/api/v1/sellers", "/api/v1/payouts"]) {
      const response = await callApi(t, key, url);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: "insufficient_permissions" } });
    }
  });

  it("needs orders:write to fulfil an order, and then fulfils a paid one once", async () => {
    const reader = await keyWith({ all: false, sections: { orders: "read" } });
    const writer = await keyWith({ all: false, sections: { orders: "write" } });
    const paid = (await callApi(t, reader, "/api/v1/orders?status=paid&limit=1")).json() as {
      items: { id: string }[];
    };
    const url = `/api/v1/orders/${paid.items[0]?.id}/fulfil`;
    expect((await callApi(t, reader, url, "POST")).statusCode).toBe(403);
    const fulfilled = await callApi(t, writer, url, "POST");
    expect(fulfilled.statusCode).toBe(200);
    expect(fulfilled.json()).toMatchObject({ status: "fulfilled", fulfilledAt: expect.any(String) });
    const again = await callApi(t, writer, url, "POST");
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({
      error: { code: "conflict", message: expect.stringContaining("fulfilled") },
    });
  });

  it("needs catalog:write to change a product and refuses unknown fields", async () => {
    const reader = await keyWith({ all: false, sections: { catalog: "read" } });
    const writer = await keyWith({ all: false, sections: { catalog: "write" } });
    const products = (await callApi(t, reader, "/api/v1/products?limit=1")).json() as {
      items: { id: string }[];
    };
    const url = `/api/v1/products/${products.items[0]?.id}`;
    expect((await callApi(t, reader, url, "PATCH", { stock: 5 })).statusCode).toBe(403);
    const changed = await callApi(t, writer, url, "PATCH", { stock: 5, title: " Walnut Lamp " });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ stock: 5, title: "Walnut Lamp" });
    const unknown = await callApi(t, writer, url, "PATCH", { stock: 5, sku: "X" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: { code: "invalid_request" } });
  });

  it("needs sellers:write to change a seller", async () => {
    const reader = await keyWith({ all: false, sections: { sellers: "read" } });
    const sellers = (await callApi(t, reader, "/api/v1/sellers?limit=1")).json() as {
      items: { id: string }[];
    };
    const url = `/api/v1/sellers/${sellers.items[0]?.id}`;
    expect((await callApi(t, reader, url, "PATCH", { name: "Renamed" })).statusCode).toBe(403);
    const changed = await callApi(t, allKey, url, "PATCH", { name: "Renamed", status: "suspended" });
    expect(changed.json()).toMatchObject({ name: "Renamed", status: "suspended" });
  });

  it("refuses bad query parameters, naming them", async () => {
    const cases: [string, string][] = [
      ["/api/v1/orders?limit=0", "limit"],
      ["/api/v1/orders?status=shipped", "status"],
      ["/api/v1/orders?seller_id=x", "querystring"],
      ["/api/v1/reports/sales?groupBy=week", "groupBy"],
      ["/api/v1/reports/sales?from=2025-02-30", "from"],
      ["/api/v1/reports/sales?from=2025-05-02&to=2025-05-01", "to"],
      ["/api/v1/products?cursor=bogus", "cursor"],
    ];
    for (const [url, field] of cases) {
      const response = await callApi(t, allKey, url);
      expect(response.statusCode, url).toBe(400);
      const body = response.json() as { error: { code: string; fields: string[] } };
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.fields.join(" "), url).toContain(field);
    }
  });

  it("does not find another account's order", async () => {
    const other = await createTestAccount(t, "Other Marketplace");
    const otherKey = (await generateKey(other.admin, { all: true })).secret;
    const theirs = (await callApi(t, otherKey, "/api/v1/orders?limit=1")).json() as {
      items: { id: string }[];
    };
    const response = await callApi(t, allKey, `/api/v1/orders/${theirs.items[0]?.id}`);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: "not_found" } });
  });
});

describe("every marketplace API route", () => {
  it("declares the section and access its key needs", async () => {
    const declared: Record<string, RequiredPermission | undefined> = {};
    for (const route of t.routes) {
      if (route.url.startsWith("/api/v1/") && route.url !== "/api/v1/key") {
        declared[`${route.method} ${route.url}`] = route.permission as RequiredPermission | undefined;
      }
    }
    const permission = (section: RequiredPermission["section"], access: RequiredPermission["access"]) => ({
      section,
      access,
    });
    expect(declared).toEqual({
      "GET /api/v1/reports/sales": permission("reporting", "read"),
      "GET /api/v1/orders": permission("orders", "read"),
      "GET /api/v1/orders/:id": permission("orders", "read"),
      "POST /api/v1/orders/:id/fulfil": permission("orders", "write"),
      "GET /api/v1/products": permission("catalog", "read"),
      "GET /api/v1/products/:id": permission("catalog", "read"),
      "PATCH /api/v1/products/:id": permission("catalog", "write"),
      "GET /api/v1/sellers": permission("sellers", "read"),
      "GET /api/v1/sellers/:id": permission("sellers", "read"),
      "PATCH /api/v1/sellers/:id": permission("sellers", "write"),
      "GET /api/v1/payouts": permission("payouts", "read"),
    });
  });
});
