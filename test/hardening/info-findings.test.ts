import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callApi, createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { uniqueIp } from "./support/network.js";
import { callWithKey, unknownKey } from "./support/requests.js";
import { expectError } from "./support/responses.js";

// Issue #9's "Info" list: what /metrics calls a refusal, and what a deactivated user and their keys are told.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function outcomes(): Promise<Record<string, number>> {
  const text = (await t.app.inject({ url: "/metrics" })).body;
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^keyward_key_verifications_total\{outcome="(\w+)"\} (\d+)$/gm)) {
    counts[match[1] ?? ""] = Number(match[2]);
  }
  return counts;
}

describe("key verification outcomes in /metrics", () => {
  it("counts the key limiter's 429s as rate_limited, not as invalid keys", async () => {
    const ip = uniqueIp();
    const before = await outcomes();
    for (let i = 0; i < 20; i++)
      expect((await callWithKey(t, unknownKey(), "/api/v1/key", { ip })).statusCode).toBe(401);
    for (let i = 0; i < 7; i++)
      expectError(await callWithKey(t, unknownKey(), "/api/v1/key", { ip }), 429, "rate_limited");
    const after = await outcomes();
    expect((after.invalid ?? 0) - (before.invalid ?? 0)).toBe(20);
    expect((after.rate_limited ?? 0) - (before.rate_limited ?? 0)).toBe(7);
  });
});

describe("what a deactivated user and their keys are told", () => {
  it("tells a deactivated owner's key so, without promising that an Administrator can grant it again", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager);
    expect((await callApi(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
    await account.admin.request("POST", `/console/api/users/${manager.userId}/deactivate`);
    const error = expectError(await callApi(t, key.secret, "/api/v1/key"), 401, "api_access_disabled");
    expect(error.message).toMatch(/deactivated/);
    expect(error.message).not.toMatch(/grant it again/i);
  });

  it("still tells the key of an owner who only lost API access that an Administrator can grant it again", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager);
    await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`);
    const error = expectError(await callApi(t, key.secret, "/api/v1/key"), 401, "api_access_disabled");
    expect(error.message).toMatch(/grant it again/);
  });

  it("tells a deactivated user signing in with the right password that they are deactivated, and opens no session", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager();
    await account.admin.request("POST", `/console/api/users/${manager.userId}/deactivate`);
    const right = await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: manager.email, password: testPassword },
    });
    const error = expectError(right, 403, "user_deactivated");
    expect(error.message).toMatch(/deactivated/);
    expect(error.message).not.toMatch(/password/i);
    expect(right.cookies.filter((c) => c.name === "keyward_session" && c.value !== "")).toEqual([]);
    const wrong = await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: manager.email, password: `${testPassword}-wrong` },
    });
    expectError(wrong, 401, "invalid_credentials");
  });
});
