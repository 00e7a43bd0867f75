import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callApi, createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createServiceToken, verifyRemotely } from "./support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const salesReport = "/api/v1/reports/sales";
const reportingOnly = { all: false, sections: { reporting: "read" } } as const;

async function generateWith(admin: Awaited<ReturnType<typeof createTestAccount>>["admin"], body: object) {
  const response = await admin.request("POST", "/console/api/keys", {
    name: "Verify API test key",
    permissions: { all: true },
    ...body,
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { key: { id: string }; secret: string };
}

/** The built-in API's error code for the key (undefined when it is accepted). */
async function builtInCode(secret: string): Promise<string | undefined> {
  const response = await callApi(t, secret, salesReport);
  if (response.statusCode === 200) return undefined;
  return (response.json() as { error: { code: string } }).error.code;
}

async function verifyCode(token: string, secret: string): Promise<string | undefined> {
  const response = await verifyRemotely(t, token, {
    key: secret,
    permission: "reporting:read",
    ip: "127.0.0.1",
  });
  expect(response.statusCode, response.body).toBe(200);
  const body = response.json() as { valid: boolean; code?: string };
  return body.valid ? undefined : body.code;
}

describe("The verification API", () => {
  it("accepts a valid key of the token's account with the key's identity and permissions", async () => {
    const account = await createTestAccount(t);
    const token = await createServiceToken(account.admin);
    const key = await generateKey(account.admin, reportingOnly, "Partner dashboard");
    const response = await verifyRemotely(t, token.secret, { key: key.secret, permission: "reporting:read" });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      valid: true,
      key: {
        id: key.id,
        accountId: account.accountId,
        ownerId: account.admin.userId,
        name: "Partner dashboard",
        permissions: reportingOnly,
        expiresAt: null,
      },
      cacheable: true,
    });
    expect(response.body).not.toContain(key.secret);
  });

  it("answers every key state with the code the built-in API answers", async () => {
    const account = await createTestAccount(t);
    const token = await createServiceToken(account.admin);
    const { admin } = account;
    const valid = await generateWith(admin, {});
    const revoked = await generateWith(admin, {});
    expect((await admin.request("POST", `/console/api/keys/${revoked.key.id}/revoke`)).statusCode).toBe(200);
    const expired = await generateWith(admin, {});
    await t.database.db
      .updateTable("api_keys")
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where("id", "=", expired.key.id)
      .execute();
    await t.ctx.changes.keyChanged(expired.key.id);
    const elsewhere = await generateWith(admin, { allowedIps: ["203.0.113.7"] });
    const wrongSection = await generateWith(admin, {
      permissions: { all: false, sections: { orders: "read" } },
    });
    const limited = await generateWith(admin, { rateLimit: "1/min" });
    expect(await builtInCode(limited.secret)).toBeUndefined();

    const cases = [
      [valid.secret, undefined],
      [revoked.secret, "revoked_api_key"],
      [expired.secret, "expired_api_key"],
      [elsewhere.secret, "ip_not_allowed"],
      [wrongSection.secret, "insufficient_permissions"],
      [limited.secret, "rate_limited"],
      ["mpk_notakeyatallnotakeyatallnotakeyat", "invalid_api_key"],
    ] as const;
    for (const [secret, code] of cases) {
      expect(await builtInCode(secret), `built-in: ${code}`).toBe(code);
      expect(await verifyCode(token.secret, secret), `verify: ${code}`).toBe(code);
    }
  });

  it("names the missing permission and gives a limited key's window", async () => {
    const account = await createTestAccount(t);
    const token = await createServiceToken(account.admin);
    const key = await generateWith(account.admin, {
      permissions: { all: false, sections: { orders: "read" } },
      rateLimit: "100/min",
    });
    const refused = await verifyRemotely(t, token.secret, { key: key.secret, permission: "orders:write" });
    expect(refused.json()).toMatchObject({
      valid: false,
      code: "insufficient_permissions",
      required: "orders:write",
    });
    const accepted = await verifyRemotely(t, token.secret, { key: key.secret, permission: "orders:read" });
    expect(accepted.json()).toMatchObject({
      valid: true,
      rateLimit: { limit: 100, windowSeconds: 60 },
      cacheable: false,
    });
  });

  it("refuses to let a token of one account verify another account's keys, whatever their state", async () => {
    const a = await createTestAccount(t, "Account A");
    const b = await createTestAccount(t, "Account B");
    const tokenOfA = await createServiceToken(a.admin);
    const keyOfB = await generateKey(b.admin);
    const revokedOfB = await generateKey(b.admin);
    await b.admin.request("POST", `/console/api/keys/${revokedOfB.id}/revoke`);
    for (const secret of [keyOfB.secret, revokedOfB.secret]) {
      const response = await verifyRemotely(t, tokenOfA.secret, { key: secret });
      expect(response.json()).toMatchObject({ valid: false, code: "invalid_api_key" });
      expect(response.body).not.toContain(keyOfB.id);
      expect(response.body).not.toContain(b.accountId);
    }
    const tokenOfB = await createServiceToken(b.admin);
    expect((await verifyRemotely(t, tokenOfB.secret, { key: keyOfB.secret })).json()).toMatchObject({
      valid: true,
    });
  });

  it("refuses a missing, malformed, unknown or revoked service token, and an API key used as one", async () => {
    const account = await createTestAccount(t);
    const token = await createServiceToken(account.admin);
    const key = await generateKey(account.admin);
    const revoke = await account.admin.request("POST", `/console/api/service-tokens/${token.id}/revoke`);
    expect(revoke.statusCode, revoke.body).toBe(200);
    const unknown = `kws_${"A".repeat(36)}`;
    for (const authorization of [
      undefined,
      "Bearer nonsense",
      `Bearer ${unknown}`,
      `Bearer ${token.secret}`,
      `Bearer ${key.secret}`,
    ]) {
      const response = await t.app.inject({
        method: "POST",
        url: "/service/v1/verify",
        headers: authorization === undefined ? {} : { authorization },
        payload: { key: key.secret },
      });
      expect(response.statusCode, authorization).toBe(401);
      expect(response.json()).toMatchObject({ error: { code: "invalid_service_token" } });
      expect(response.body).not.toContain(token.secret);
    }
  });

  it("refuses a permission of a section the catalogue doesn't have, naming the field", async () => {
    const account = await createTestAccount(t);
    const token = await createServiceToken(account.admin);
    const key = await generateKey(account.admin);
    for (const permission of ["invoices:read", "reporting:write", "reporting", "reporting:read:extra"]) {
      const response = await verifyRemotely(t, token.secret, { key: key.secret, permission });
      expect(response.statusCode, permission).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: "invalid_request", fields: ["permission"] } });
    }
    const badIp = await verifyRemotely(t, token.secret, { key: key.secret, ip: "not-an-address" });
    expect(badIp.json()).toMatchObject({ error: { code: "invalid_request", fields: ["ip"] } });
  });

  it("is documented in its own OpenAPI document", async () => {
    const response = await t.app.inject({ method: "GET", url: "/service/v1/openapi.json" });
    expect(response.statusCode).toBe(200);
    const document = response.json() as { paths: Record<string, unknown>; info: { title: string } };
    expect(Object.keys(document.paths).sort()).toEqual([
      "/service/v1/changes",
      "/service/v1/changes/ack",
      "/service/v1/verify",
    ]);
  });
});
