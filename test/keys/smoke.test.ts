import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callApi, createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe("smoke", () => {
  it("creates, uses and revokes a key", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, { all: false, sections: { reporting: "read" } });
    const who = await callApi(t, key.secret, "/api/v1/key");
    expect(who.statusCode).toBe(200);
    expect(who.json().name).toBe("Internal Reporting Dashboard");
    const revoke = await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(revoke.statusCode).toBe(200);
    const after = await callApi(t, key.secret, "/api/v1/key");
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe("revoked_api_key");
  });
});
