import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey as newKeyString } from "../../src/keys/key-format.js";
import { expectError, getKey, readAudit } from "../http/helpers.js";
import { callApi, createTestAccount, generateKey } from "../support/accounts.js";
import type { TestApp } from "../support/test-app.js";
import { createLeakTestApp, waitFor } from "../webhooks/support.js";

function reportKeys(t: TestApp, keys: string[], ip = "203.0.113.9") {
  return t.app.inject({ method: "POST", url: "/api/v1/leaked-keys", payload: { keys }, remoteAddress: ip });
}

describe("public revocation", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createLeakTestApp({ env: { KEYWARD_LEAK_REPORTS_PER_MINUTE: "3" } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("revokes a reported key and audits the reporter's address", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    const response = await reportKeys(t, [key.secret], "198.51.100.23");
    expect(response.statusCode, response.body).toBe(202);
    await waitFor(
      async () => (await getKey(account.admin, key.id)).status === "revoked",
      "the key to be revoked",
    );
    expect((await callApi(t, key.secret, "/api/v1/key")).statusCode).toBe(401);
    const event = (await readAudit(account.admin)).items.find((item) => item.action === "api_key.revoked");
    expect(event?.actor.label).toBe("Public revocation");
    expect(event?.ip).toBe("198.51.100.23");
  });

  it("answers exactly the same for an unknown key, a malformed one and a real one", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    const answers = [];
    for (const [index, keys] of [
      [key.secret],
      [newKeyString().secret],
      ["mpk_this-is-not-a-key"],
    ].entries()) {
      const response = await reportKeys(t, keys, `192.0.2.${10 + index}`);
      answers.push({ status: response.statusCode, body: response.body });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]).toEqual({ status: 202, body: JSON.stringify({ status: "accepted" }) });
  });

  it("refuses more than 100 keys in one report, naming the field, and revokes none of them", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    const keys = [key.secret, ...Array.from({ length: 100 }, () => newKeyString().secret)];
    const error = expectError(await reportKeys(t, keys, "192.0.2.50"), 400, "invalid_request");
    expect(error.fields).toEqual(["keys"]);
    await t.leaks.worker.runOnce();
    expect((await getKey(account.admin, key.id)).status).toBe("active");
  });

  it("limits reports per address", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    for (let i = 0; i < 3; i++)
      expect((await reportKeys(t, [newKeyString().secret], "192.0.2.77")).statusCode).toBe(202);
    const refused = expectError(await reportKeys(t, [key.secret], "192.0.2.77"), 429, "rate_limited");
    expect(refused.message).toMatch(/Too many reports/);
    await t.leaks.worker.runOnce();
    expect((await getKey(account.admin, key.id)).status).toBe("active");
  });
});
