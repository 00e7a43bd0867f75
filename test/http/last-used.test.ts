import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callApi, createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { callApiWithHeader, expectError, getKey, listKeys, reportingRead } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe("A key's last use", () => {
  it("is empty until the key is used", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    await t.usage.flush();
    expect(await getKey(account.admin, key.id)).toMatchObject({ lastUsedAt: null, lastUsedIp: null });
  });

  it("shows in the console list with the time and the IP of the request", async () => {
    const account = await createTestAccount(t);
    const used = await generateKey(account.admin, reportingRead, "Used");
    const unused = await generateKey(account.admin, reportingRead, "Unused");
    const before = Date.now();
    expect((await callApi(t, used.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
    await t.usage.flush();

    const keys = await listKeys(account.admin);
    const usedView = keys.find((key) => key.id === used.id)!;
    expect(usedView.lastUsedIp).toBe("127.0.0.1");
    expect(Date.parse(usedView.lastUsedAt ?? "")).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(usedView.lastUsedAt ?? "")).toBeLessThanOrEqual(Date.now() + 1000);
    expect(keys.find((key) => key.id === unused.id)).toMatchObject({ lastUsedAt: null, lastUsedIp: null });
  });

  it("moves forward with later uses, whichever header carries the key", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    await callApi(t, key.secret, "/api/v1/key");
    await t.usage.flush();
    const first = (await getKey(account.admin, key.id)).lastUsedAt!;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await callApiWithHeader(t, key.secret, "/api/v1/key");
    await t.usage.flush();
    const second = (await getKey(account.admin, key.id)).lastUsedAt!;
    expect(second > first).toBe(true);
  });

  it("is not moved by a revoked key's refused requests", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    await callApi(t, key.secret, "/api/v1/key");
    await t.usage.flush();
    await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    const lastUse = (await getKey(account.admin, key.id)).lastUsedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    expectError(await callApi(t, key.secret, "/api/v1/key"), 401, "revoked_api_key");
    await t.usage.flush();
    expect((await getKey(account.admin, key.id)).lastUsedAt).toBe(lastUse);
  });
});
