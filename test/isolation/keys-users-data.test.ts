import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/create-account.js";
import { expectError, findUser, getKey, listKeys, listUsers, reportingRead } from "../http/helpers.js";
import {
  type ConsoleClient,
  callApi,
  createTestAccount,
  generateKey,
  signIn,
  testPassword,
} from "../support/accounts.js";
import { createTestApp, type TestApp, uniqueEmail } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** An account whose demo marketplace comes from its own seed, so its data differs from the default's. */
async function createAccountWithSeed(demoSeed: number): Promise<{ accountId: string; admin: ConsoleClient }> {
  const adminEmail = uniqueEmail("other-admin");
  const { account } = await createAccount(t.ctx, {
    account: { name: "Other Marketplace", adminEmail, adminPassword: testPassword },
    demoSeed,
  });
  return { accountId: account.id, admin: await signIn(t, adminEmail) };
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

async function accountRowIds(table: "orders" | "products" | "sellers", accountId: string) {
  const rows = await t.database.db
    .selectFrom(table)
    .select("id")
    .where("account_id", "=", accountId)
    .execute();
  return new Set(rows.map((row) => row.id));
}

describe("Keys of another account", () => {
  it("can't be read, edited or revoked: 404, and the key stays as it was", async () => {
    const home = await createTestAccount(t);
    const other = await createTestAccount(t, "Other Marketplace");
    const key = await generateKey(home.admin, reportingRead, "Home key");

    expectError(await other.admin.request("GET", `/console/api/keys/${key.id}`), 404, "not_found");
    expectError(
      await other.admin.request("PATCH", `/console/api/keys/${key.id}`, { permissions: { all: true } }),
      404,
      "not_found",
    );
    expectError(await other.admin.request("POST", `/console/api/keys/${key.id}/revoke`), 404, "not_found");

    expect(await getKey(home.admin, key.id)).toMatchObject({
      name: "Home key",
      permissions: reportingRead,
      status: "active",
    });
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
  });

  it("never appear in an Administrator's list", async () => {
    const home = await createTestAccount(t);
    const other = await createTestAccount(t, "Other Marketplace");
    const homeKey = await generateKey(home.admin);
    const otherKey = await generateKey(other.admin);
    expect((await listKeys(home.admin, "all")).map((key) => key.id)).toEqual([homeKey.id]);
    expect((await listKeys(other.admin, "all")).map((key) => key.id)).toEqual([otherKey.id]);
  });
});

describe("Users of another account", () => {
  it("can't be granted or removed API access, or deactivated: 404, and nothing changes", async () => {
    const home = await createTestAccount(t);
    const other = await createTestAccount(t, "Other Marketplace");
    const managerWithAccess = await home.addManager({ apiAccess: true });
    const managerWithout = await home.addManager({ apiAccess: false });
    const key = await generateKey(managerWithAccess, reportingRead);

    expectError(
      await other.admin.request("DELETE", `/console/api/users/${managerWithAccess.userId}/api-access`),
      404,
      "not_found",
    );
    expectError(
      await other.admin.request("POST", `/console/api/users/${managerWithout.userId}/api-access`),
      404,
      "not_found",
    );
    expectError(
      await other.admin.request("POST", `/console/api/users/${managerWithAccess.userId}/deactivate`),
      404,
      "not_found",
    );
    expectError(
      await other.admin.request("POST", `/console/api/users/${home.admin.userId}/deactivate`),
      404,
      "not_found",
    );

    expect(await findUser(home.admin, managerWithAccess.userId)).toMatchObject({
      hasApiAccess: true,
      isActive: true,
    });
    expect(await findUser(home.admin, managerWithout.userId)).toMatchObject({ hasApiAccess: false });
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
    expect((await managerWithAccess.request("GET", "/console/api/session")).statusCode).toBe(200);
  });

  it("never appear in an Administrator's user list", async () => {
    const home = await createTestAccount(t);
    const other = await createTestAccount(t, "Other Marketplace");
    await home.addManager();
    const otherUsers = (await listUsers(other.admin)).map((user) => user.id);
    expect(otherUsers).toEqual([other.admin.userId]);
  });
});

describe("Marketplace data through a key", () => {
  it("is only the key's own account's", async () => {
    const home = await createTestAccount(t);
    const other = await createAccountWithSeed(7);
    const homeKey = await generateKey(home.admin);
    const otherKey = await generateKey(other.admin);

    const homeOrders = (await callApi(t, homeKey.secret, "/api/v1/orders?limit=100")).json() as Page<{
      id: string;
    }>;
    const otherOrders = (await callApi(t, otherKey.secret, "/api/v1/orders?limit=100")).json() as Page<{
      id: string;
    }>;
    expect(homeOrders.items.length).toBeGreaterThan(0);
    expect(otherOrders.items.length).toBeGreaterThan(0);

    const homeIds = await accountRowIds("orders", home.accountId);
    const otherIds = await accountRowIds("orders", other.accountId);
    expect(homeOrders.items.every((order) => homeIds.has(order.id))).toBe(true);
    expect(otherOrders.items.every((order) => otherIds.has(order.id))).toBe(true);
    expect(homeOrders.items.some((order) => otherIds.has(order.id))).toBe(false);

    for (const [path, table] of [
      ["/api/v1/products?limit=100", "products"],
      ["/api/v1/sellers?limit=100", "sellers"],
    ] as const) {
      const page = (await callApi(t, homeKey.secret, path)).json() as Page<{ id: string }>;
      const own = await accountRowIds(table, home.accountId);
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((item) => own.has(item.id))).toBe(true);
    }

    const homeReport = (await callApi(t, homeKey.secret, "/api/v1/reports/sales")).json() as {
      totals: { orders: number };
    };
    const otherReport = (await callApi(t, otherKey.secret, "/api/v1/reports/sales")).json() as {
      totals: { orders: number };
    };
    expect(homeReport.totals).not.toEqual(otherReport.totals);
  });

  it("of another account is not found, and can't be changed", async () => {
    const home = await createTestAccount(t);
    const other = await createAccountWithSeed(7);
    const homeKey = await generateKey(home.admin);
    const otherKey = await generateKey(other.admin);

    const paid = (await callApi(t, otherKey.secret, "/api/v1/orders?status=paid&limit=1")).json() as Page<{
      id: string;
      status: string;
    }>;
    const otherOrder = paid.items[0]!;
    const products = (await callApi(t, otherKey.secret, "/api/v1/products?limit=1")).json() as Page<{
      id: string;
      priceCents: number;
    }>;
    const otherProduct = products.items[0]!;

    expectError(await callApi(t, homeKey.secret, `/api/v1/orders/${otherOrder.id}`), 404, "not_found");
    expectError(
      await callApi(t, homeKey.secret, `/api/v1/orders/${otherOrder.id}/fulfil`, "POST"),
      404,
      "not_found",
    );
    expectError(
      await callApi(t, homeKey.secret, `/api/v1/products/${otherProduct.id}`, "PATCH", { priceCents: 1 }),
      404,
      "not_found",
    );

    const orderAfter = await callApi(t, otherKey.secret, `/api/v1/orders/${otherOrder.id}`);
    expect(orderAfter.json()).toMatchObject({ status: "paid", fulfilledAt: null });
    const productAfter = await callApi(t, otherKey.secret, `/api/v1/products/${otherProduct.id}`);
    expect(productAfter.json()).toMatchObject({ priceCents: otherProduct.priceCents });
  });
});
