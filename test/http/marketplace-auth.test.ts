import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey as generateKeyString } from "../../src/keys/key-format.js";
import type { Permissions } from "../../src/keys/permissions.js";
import { type SectionId, sectionIds } from "../../src/marketplace/sections.js";
import { callApi, createTestAccount, generateKey, type TestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { callApiWithHeader, expectError, reportingRead } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** One read route per section: what a key with exactly that section can call. */
const readRouteOf: Record<SectionId, string> = {
  reporting: "/api/v1/reports/sales",
  orders: "/api/v1/orders?limit=1",
  catalog: "/api/v1/products?limit=1",
  sellers: "/api/v1/sellers?limit=1",
  payouts: "/api/v1/payouts?limit=1",
};

interface Page<T> {
  items: T[];
}

async function firstPaidOrderId(account: TestAccount): Promise<string> {
  const key = await generateKey(account.admin, { all: false, sections: { orders: "read" } }, "Finder");
  const page = (await callApi(t, key.secret, "/api/v1/orders?status=paid&limit=1")).json() as Page<{
    id: string;
  }>;
  return page.items[0]!.id;
}

async function firstProduct(account: TestAccount) {
  const key = await generateKey(account.admin, { all: false, sections: { catalog: "read" } }, "Finder");
  const page = (await callApi(t, key.secret, "/api/v1/products?limit=1")).json() as Page<{
    id: string;
    priceCents: number;
    updatedAt: string;
  }>;
  return page.items[0]!;
}

async function orderStatus(account: TestAccount, orderId: string): Promise<string> {
  const key = await generateKey(account.admin, { all: false, sections: { orders: "read" } }, "Checker");
  return ((await callApi(t, key.secret, `/api/v1/orders/${orderId}`)).json() as { status: string }).status;
}

/** A key string with the right shape, changed in one character so its checksum no longer matches. */
function withTypo(secret: string): string {
  const index = 10;
  const replacement = secret[index] === "A" ? "B" : "A";
  return secret.slice(0, index) + replacement + secret.slice(index + 1);
}

describe("Presenting a key", () => {
  it("accepts the key as Authorization: Bearer", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    const response = await callApi(t, key.secret, "/api/v1/key");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ id: key.id });
  });

  it("accepts the key as X-Api-Key", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    const response = await callApiWithHeader(t, key.secret, "/api/v1/reports/sales");
    expect(response.statusCode, response.body).toBe(200);
  });

  it("answers 401 missing_api_key when no key is sent", async () => {
    for (const headers of [{}, { authorization: "Bearer " }, { "x-api-key": "" }]) {
      const response = await t.app.inject({ method: "GET", url: "/api/v1/reports/sales", headers });
      const error = expectError(response, 401, "missing_api_key");
      expect(error.message).toContain("Authorization: Bearer");
    }
  });

  it("answers 401 invalid_api_key for a mistyped key (its checksum fails)", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    const typo = withTypo(key.secret);
    expect(typo).not.toBe(key.secret);
    expectError(await callApi(t, typo, "/api/v1/key"), 401, "invalid_api_key");
    expectError(await callApi(t, key.secret.slice(0, -1), "/api/v1/key"), 401, "invalid_api_key");
    expect((await callApi(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
  });

  it("answers 401 invalid_api_key for a well-formed key Keyward never issued", async () => {
    const unknown = generateKeyString().secret;
    expectError(await callApi(t, unknown, "/api/v1/key"), 401, "invalid_api_key");
    expectError(await callApiWithHeader(t, unknown, "/api/v1/key"), 401, "invalid_api_key");
  });

  it("does not accept a console session instead of a key", async () => {
    const account = await createTestAccount(t);
    const response = await account.admin.request("GET", "/api/v1/reports/sales");
    expectError(response, 401, "missing_api_key");
  });
});

describe("A key's permissions on the marketplace API", () => {
  it("let a Reporting-read key read reports, and nothing else", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);

    const orders = expectError(
      await callApi(t, key.secret, "/api/v1/orders"),
      403,
      "insufficient_permissions",
    );
    expect(orders.message).toContain("orders:read");

    const orderId = await firstPaidOrderId(account);
    const fulfil = expectError(
      await callApi(t, key.secret, `/api/v1/orders/${orderId}/fulfil`, "POST"),
      403,
      "insufficient_permissions",
    );
    expect(fulfil.message).toContain("orders:write");
    expect(await orderStatus(account, orderId)).toBe("paid");

    const product = await firstProduct(account);
    const patch = expectError(
      await callApi(t, key.secret, `/api/v1/products/${product.id}`, "PATCH", { priceCents: 1 }),
      403,
      "insufficient_permissions",
    );
    expect(patch.message).toContain("catalog:write");
    expect((await firstProduct(account)).priceCents).toBe(product.priceCents);
  });

  it.each(sectionIds)("give a key with only %s:read its section and refuse every other", async (section) => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, { all: false, sections: { [section]: "read" } });
    for (const other of sectionIds) {
      const response = await callApi(t, key.secret, readRouteOf[other] ?? "");
      if (other === section) {
        expect(response.statusCode, `${other}: ${response.body}`).toBe(200);
      } else {
        const error = expectError(response, 403, "insufficient_permissions");
        expect(error.message).toContain(`${other}:read`);
      }
    }
  });

  it("do not let an orders:read key fulfil an order", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, { all: false, sections: { orders: "read" } });
    const orderId = await firstPaidOrderId(account);
    expect((await callApi(t, key.secret, `/api/v1/orders/${orderId}`)).statusCode).toBe(200);
    const error = expectError(
      await callApi(t, key.secret, `/api/v1/orders/${orderId}/fulfil`, "POST"),
      403,
      "insufficient_permissions",
    );
    expect(error.message).toContain("orders:write");
    expect(await orderStatus(account, orderId)).toBe("paid");
  });

  it("let an orders:write key read orders and fulfil one", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, { all: false, sections: { orders: "write" } });
    const orderId = await firstPaidOrderId(account);
    expect((await callApi(t, key.secret, "/api/v1/orders?limit=1")).statusCode).toBe(200);
    const response = await callApi(t, key.secret, `/api/v1/orders/${orderId}/fulfil`, "POST");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ id: orderId, status: "fulfilled" });
    expect(await orderStatus(account, orderId)).toBe("fulfilled");
    expectError(await callApi(t, key.secret, readRouteOf.catalog ?? ""), 403, "insufficient_permissions");
  });

  it("let an All-permissions key reach every section, reading and writing", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, { all: true } satisfies Permissions);
    for (const section of sectionIds) {
      const response = await callApi(t, key.secret, readRouteOf[section] ?? "");
      expect(response.statusCode, `${section}: ${response.body}`).toBe(200);
    }
    const orderId = await firstPaidOrderId(account);
    expect((await callApi(t, key.secret, `/api/v1/orders/${orderId}/fulfil`, "POST")).statusCode).toBe(200);
    const product = await firstProduct(account);
    const patched = await callApi(t, key.secret, `/api/v1/products/${product.id}`, "PATCH", {
      priceCents: product.priceCents + 100,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ priceCents: product.priceCents + 100 });
  });
});

describe("GET /api/v1/key", () => {
  it("returns the key's id, name, status, expiry and permissions, and never the secret", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead, "Who am I");
    const response = await callApi(t, key.secret, "/api/v1/key");
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id: key.id,
      name: "Who am I",
      status: "active",
      permissions: reportingRead,
      permissionsSummary: "Reporting (read)",
      expiresAt: null,
      secretValidUntil: null,
    });
    expect(response.body).not.toContain(key.secret);
    expect(response.body).not.toContain(key.secret.slice(4));
  });
});

describe("Marketplace API errors", () => {
  it("always have the shape {error:{code,message,requestId}}, with a different requestId per request", async () => {
    const first = expectError(
      await t.app.inject({ method: "GET", url: "/api/v1/orders" }),
      401,
      "missing_api_key",
    );
    const second = expectError(
      await t.app.inject({ method: "GET", url: "/api/v1/orders" }),
      401,
      "missing_api_key",
    );
    expect(first.requestId).not.toBe(second.requestId);
  });
});
