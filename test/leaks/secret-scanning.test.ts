import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "../../src/keys/key-format.js";
import { countAuditEventsInDatabase, expectError, getKey, readAudit } from "../http/helpers.js";
import { callApi, createTestAccount, generateKey } from "../support/accounts.js";
import type { TestApp } from "../support/test-app.js";
import { createLeakTestApp, type FakeGithub, startGithubKeys, waitFor } from "../webhooks/support.js";

function report(t: TestApp, body: string, headers: Record<string, string>) {
  return t.app.inject({
    method: "POST",
    url: "/secret-scanning/github",
    headers: { "content-type": "application/json", ...headers },
    payload: body,
  });
}

function matches(token: string, url = "https://github.com/octo/app/blob/abc123/.env") {
  return JSON.stringify([{ token, type: "keyward_api_key", url, source: "content" }]);
}

describe("GitHub secret scanning", () => {
  let t: TestApp;
  let github: FakeGithub;
  beforeAll(async () => {
    github = await startGithubKeys();
    t = await createLeakTestApp({ env: { KEYWARD_SECRET_SCANNING_KEYS_URL: github.url } });
  });
  afterAll(async () => {
    await t?.close();
    await github?.close();
  });

  it("revokes a key GitHub found in public and records where, as Secret scanning (GitHub)", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    const body = matches(key.secret);
    const response = await report(t, body, {
      "github-public-key-identifier": github.identifier,
      "github-public-key-signature": github.sign(body),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual([
      { token_hash: hashKey(key.secret), token_type: "keyward_api_key", label: "true_positive" },
    ]);
    expect(response.body).not.toContain(key.secret);
    const revoked = await waitFor(async () => {
      const view = await getKey(account.admin, key.id);
      return view.status === "revoked" ? view : undefined;
    }, "the key to be revoked");
    expect(revoked.statusLabel).toBe(
      "Revoked — found in public at https://github.com/octo/app/blob/abc123/.env",
    );
    expect((await callApi(t, key.secret, "/api/v1/key")).statusCode).toBe(401);
    const audit = await readAudit(account.admin);
    const event = audit.items.find((item) => item.action === "api_key.revoked");
    expect(event?.actor.label).toBe("Secret scanning (GitHub)");
    expect(event?.details).toMatchObject({
      foundAt: "https://github.com/octo/app/blob/abc123/.env",
      source: "content",
    });
    expect(JSON.stringify(audit)).not.toContain(key.secret);
  });

  it("labels tokens that are not Keyward keys false positives and changes nothing", async () => {
    const body = matches("mpk_notARealKeyBecauseTheChecksumIsWrong1");
    const response = await report(t, body, {
      "github-public-key-identifier": github.identifier,
      "github-public-key-signature": github.sign(body),
    });
    expect(response.statusCode).toBe(200);
    expect((response.json() as Array<{ label: string }>)[0]?.label).toBe("false_positive");
  });

  for (const [what, tamper] of [
    [
      "a missing signature",
      (body: string) => ({ body, headers: { "github-public-key-identifier": github.identifier } }),
    ],
    [
      "a signature by another key",
      (body: string) => ({
        body,
        headers: {
          "github-public-key-identifier": github.identifier,
          "github-public-key-signature": "MEUCIQDx",
        },
      }),
    ],
    [
      "an unknown key identifier",
      (body: string) => ({
        body,
        headers: {
          "github-public-key-identifier": "not-a-github-key",
          "github-public-key-signature": github.sign(body),
        },
      }),
    ],
    [
      "a re-serialised body",
      (body: string) => ({
        body: JSON.stringify(JSON.parse(body), null, 2),
        headers: {
          "github-public-key-identifier": github.identifier,
          "github-public-key-signature": github.sign(body),
        },
      }),
    ],
  ] as const) {
    it(`refuses ${what} and changes nothing`, async () => {
      const account = await createTestAccount(t);
      const key = await generateKey(account.admin);
      const eventsBefore = await countAuditEventsInDatabase(t, account.accountId);
      const request = tamper(matches(key.secret));
      const response = await report(t, request.body, request.headers as Record<string, string>);
      expectError(response, 401, "invalid_signature");
      await t.leaks.worker.runOnce();
      expect((await getKey(account.admin, key.id)).status).toBe("active");
      expect((await callApi(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
      expect(await countAuditEventsInDatabase(t, account.accountId)).toBe(eventsBefore);
    });
  }

  it("under the notify policy tells people and leaves the key working", async () => {
    const account = await createTestAccount(t);
    const policy = await account.admin.request("PUT", "/console/api/account/leak-policy", {
      leakPolicy: "notify",
    });
    expect(policy.statusCode, policy.body).toBe(200);
    const key = await generateKey(account.admin);
    const body = matches(key.secret);
    await report(t, body, {
      "github-public-key-identifier": github.identifier,
      "github-public-key-signature": github.sign(body),
    });
    const inbox = await waitFor(async () => {
      const response = await account.admin.request("GET", "/console/api/inbox");
      const items = (
        response.json() as { items: Array<{ type: string; keyId: string | null; body: string }> }
      ).items;
      return items.find((item) => item.type === "key.leaked");
    }, "the leak notification");
    expect(inbox.keyId).toBe(key.id);
    expect(inbox.body).toContain("still works");
    expect((await getKey(account.admin, key.id)).status).toBe("active");
    expect((await callApi(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
    const audit = await readAudit(account.admin);
    expect(audit.items.find((item) => item.action === "api_key.leaked")?.details).toMatchObject({
      policy: "notify",
    });
  });

  it("lets only an Administrator change the leak policy, and refuses an unknown one", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    expectError(
      await manager.request("PUT", "/console/api/account/leak-policy", { leakPolicy: "notify" }),
      403,
      "administrator_required",
    );
    const error = expectError(
      await account.admin.request("PUT", "/console/api/account/leak-policy", { leakPolicy: "ignore" }),
      400,
      "invalid_request",
    );
    expect(error.fields).toEqual(["leakPolicy"]);
    const current = await account.admin.request("GET", "/console/api/account/leak-policy");
    expect(current.json()).toEqual({ leakPolicy: "revoke" });
  });
});
