import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "../../src/keys/key-format.js";
import { callApiWithHeader, reportingRead } from "../http/helpers.js";
import { callApi, createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp, uniqueEmail } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** The full key, and its random part alone (a secret with the prefix cut off is still the secret). */
function secretForms(secret: string): string[] {
  return [secret, secret.slice(4), secret.slice(4, 34)];
}

function expectFreeOf(text: string, secrets: string[]) {
  for (const secret of secrets) expect(text, `contains ${secret}`).not.toContain(secret);
}

describe("The full key", () => {
  it("never comes back from the console: not in the list, one key, an edit or a revocation", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const adminKey = await generateKey(account.admin, reportingRead);
    const managerKey = await generateKey(manager, reportingRead);
    const secrets = [...secretForms(adminKey.secret), ...secretForms(managerKey.secret)];

    const responses = [
      await account.admin.request("GET", "/console/api/keys?status=all"),
      await manager.request("GET", "/console/api/keys?status=all"),
      await account.admin.request("GET", `/console/api/keys/${adminKey.id}`),
      await account.admin.request("GET", `/console/api/keys/${managerKey.id}`),
      await account.admin.request("PATCH", `/console/api/keys/${managerKey.id}`, { name: "Edited" }),
      await account.admin.request("POST", `/console/api/keys/${adminKey.id}/revoke`),
      await account.admin.request("GET", "/console/api/users"),
    ];
    for (const response of responses) {
      expect(response.statusCode, response.body).toBe(200);
      expectFreeOf(response.body, secrets);
      expectFreeOf(response.body, [hashKey(adminKey.secret), hashKey(managerKey.secret)]);
    }
  });

  it("never comes back from the marketplace API", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    for (const url of ["/api/v1/key", "/api/v1/orders?limit=5", "/api/v1/reports/sales"]) {
      const response = await callApi(t, key.secret, url);
      expect(response.statusCode).toBe(200);
      expectFreeOf(response.body, [...secretForms(key.secret), hashKey(key.secret)]);
    }
  });
});

describe("The audit trail", () => {
  it("never holds a key, a key's hash or a password", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(account.admin, reportingRead);
    const managerKey = await generateKey(manager, { all: true });
    await account.admin.request("PATCH", `/console/api/keys/${key.id}`, { permissions: { all: true } });
    await account.admin.request("POST", `/console/api/keys/${managerKey.id}/revoke`);
    const newPassword = "a-brand-new-password-for-audit";
    await account.admin.request("POST", "/console/api/users", {
      email: uniqueEmail("audited"),
      name: "Audited",
      role: "marketplace_manager",
      password: newPassword,
    });
    const wrongPassword = "this-is-the-wrong-password";
    await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: manager.email, password: wrongPassword },
    });

    const response = await account.admin.request("GET", "/console/api/audit?limit=100");
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("api_key.created");
    expectFreeOf(response.body, [
      ...secretForms(key.secret),
      ...secretForms(managerKey.secret),
      hashKey(key.secret),
      hashKey(managerKey.secret),
      testPassword,
      newPassword,
      wrongPassword,
      "$argon2",
    ]);
  });
});

describe("The logs", () => {
  it("never hold a key, a password or a session token, wherever the client put them", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    const typo = `${key.secret.slice(0, -1)}${key.secret.endsWith("A") ? "B" : "A"}`;
    const wrongPassword = "logged-wrong-password";
    await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: account.admin.email, password: wrongPassword },
    });
    const signedIn = await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: account.admin.email, password: testPassword },
    });
    const sessionToken = signedIn.cookies.find((c) => c.name === "keyward_session")!.value;

    await callApi(t, key.secret, "/api/v1/reports/sales");
    await callApiWithHeader(t, key.secret, "/api/v1/orders");
    await callApi(t, typo, "/api/v1/key");
    await t.app.inject({ method: "GET", url: `/api/v1/key?api_key=${key.secret}` });
    await t.app.inject({ method: "GET", url: `/api/v1/reports/sales?token=${key.secret}&x=1` });
    await t.app.inject({ method: "GET", url: `/console/api/keys?cursor=${key.secret}` });
    await account.admin.request("GET", "/console/api/keys");

    const logs = t.logs.join("");
    expect(logs).toContain("/api/v1/reports/sales");
    expect(logs).toContain("mpk_[redacted]");
    expectFreeOf(logs, [
      ...secretForms(key.secret),
      typo,
      testPassword,
      wrongPassword,
      sessionToken,
      hashKey(key.secret),
    ]);
  });
});
