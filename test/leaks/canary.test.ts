import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey as newKeyString } from "../../src/keys/key-format.js";
import { expectError, listKeys, readAudit } from "../http/helpers.js";
import { createTestAccount, type TestAccount } from "../support/accounts.js";
import type { TestApp } from "../support/test-app.js";
import {
  createLeakTestApp,
  type FakeGithub,
  type MailServer,
  type Receiver,
  startGithubKeys,
  startMailServer,
  startReceiver,
  verifyDelivery,
  waitFor,
} from "../webhooks/support.js";

async function createCanary(account: TestAccount, name = "wiki: deploy page") {
  const response = await account.admin.request("POST", "/console/api/canaries", { name });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { canary: { id: string; hint: string }; secret: string };
}

function useKey(t: TestApp, secret: string, ip: string) {
  return t.app.inject({
    method: "GET",
    url: "/api/v1/orders",
    headers: { authorization: `Bearer ${secret}`, "user-agent": "curl/8.5.0" },
    remoteAddress: ip,
  });
}

describe("canary keys", () => {
  let t: TestApp;
  let mail: MailServer;
  let receiver: Receiver;
  let github: FakeGithub;
  beforeAll(async () => {
    mail = await startMailServer();
    receiver = await startReceiver();
    github = await startGithubKeys();
    t = await createLeakTestApp({
      env: {
        KEYWARD_SMTP_URL: mail.url,
        KEYWARD_EMAIL_FROM: "keyward@example.test",
        KEYWARD_PUBLIC_URL: "https://keys.example.test",
        KEYWARD_SECRET_SCANNING_KEYS_URL: github.url,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await mail?.close();
    await receiver?.close();
    await github?.close();
  });

  it("is refused exactly like an unknown key and raises every alert: audit, webhook, email and bell", async () => {
    const account = await createTestAccount(t);
    const hook = await account.admin.request("POST", "/console/api/webhooks", {
      url: receiver.url,
      events: ["key.canary_triggered"],
    });
    const { secret: signingSecret } = hook.json() as { secret: string };
    const { canary, secret } = await createCanary(account);

    const unknown = await useKey(t, newKeyString().secret, "198.51.100.7");
    const used = await useKey(t, secret, "198.51.100.7");
    expect(used.statusCode).toBe(401);
    expect(used.statusCode).toBe(unknown.statusCode);
    const strip = (body: string) => ({
      ...(JSON.parse(body) as { error: object }).error,
      requestId: undefined,
    });
    expect(strip(used.body)).toEqual(strip(unknown.body));
    expect((used.json() as { error: { code: string } }).error.code).toBe("invalid_api_key");
    expect(used.headers["www-authenticate"]).toBe(unknown.headers["www-authenticate"]);

    const audit = await waitFor(async () => {
      const page = await readAudit(account.admin);
      return page.items.find((item) => item.action === "api_key.canary_triggered");
    }, "the audit event");
    expect(audit.target.id).toBe(canary.id);
    expect(audit.ip).toBe("198.51.100.7");
    expect(audit.details).toMatchObject({
      use: { ip: "198.51.100.7", userAgent: "curl/8.5.0", route: "GET /api/v1/orders" },
    });

    await waitFor(() => receiver.received.length >= 1, "the webhook");
    const payload = verifyDelivery(signingSecret, receiver.received[0] as never);
    expect(payload.type).toBe("key.canary_triggered");
    expect(payload.data.use).toMatchObject({
      ip: "198.51.100.7",
      userAgent: "curl/8.5.0",
      route: "GET /api/v1/orders",
    });
    expect(receiver.received[0]?.body).not.toContain(secret);

    const email = await waitFor(
      () => mail.mails.find((m) => m.to.includes(account.admin.email)),
      "the email",
    );
    expect(email.text).toContain("Canary key");
    expect(email.text).toContain("198.51.100.7");
    expect(email.text).toContain(`https://keys.example.test/account/api-keys?key=${canary.id}`);
    expect(email.text).not.toContain(secret);

    const inbox = await account.admin.request("GET", "/console/api/inbox");
    const item = (inbox.json() as { items: Array<{ type: string; keyId: string }> }).items.find(
      (entry) => entry.type === "key.canary_triggered",
    );
    expect(item?.keyId).toBe(canary.id);
  });

  it("is listed apart from real keys, and only an Administrator can create one", async () => {
    const account = await createTestAccount(t);
    const { canary } = await createCanary(account, "config: staging .env");
    expect((await listKeys(account.admin, "all")).map((key) => key.id)).not.toContain(canary.id);
    const listed = await account.admin.request("GET", "/console/api/canaries");
    expect((listed.json() as { items: Array<{ id: string }> }).items.map((entry) => entry.id)).toEqual([
      canary.id,
    ]);
    const manager = await account.addManager({ apiAccess: true });
    expectError(
      await manager.request("POST", "/console/api/canaries", { name: "mine" }),
      403,
      "administrator_required",
    );
    expectError(await manager.request("GET", "/console/api/canaries"), 403, "administrator_required");
    const after = await account.admin.request("GET", "/console/api/canaries");
    expect((after.json() as { items: unknown[] }).items).toHaveLength(1);
  });

  it("can't be edited or rolled, so it never gains a permission and its planted secret stays unknown", async () => {
    const account = await createTestAccount(t);
    const { canary, secret } = await createCanary(account, "fixture: payments test");
    const edit = await account.admin.request("PATCH", `/console/api/keys/${canary.id}`, {
      name: "renamed",
      permissions: { all: true },
    });
    expectError(edit, 409, "conflict");
    expect(edit.json().error.message).toMatch(/canary key can't be edited or rolled/);
    expectError(
      await account.admin.request("POST", `/console/api/keys/${canary.id}/roll`, {}),
      409,
      "conflict",
    );
    const listed = await account.admin.request("GET", "/console/api/canaries");
    expect((listed.json() as { items: Array<{ name: string; hint: string }> }).items).toEqual([
      expect.objectContaining({ name: "fixture: payments test", hint: canary.hint }),
    ]);
    expectError(await useKey(t, secret, "198.51.100.40"), 401, "invalid_api_key");
  });

  it("raises the same alert when secret scanning reports it, and stays a canary", async () => {
    const account = await createTestAccount(t);
    const { canary, secret } = await createCanary(account, "test fixture");
    const body = JSON.stringify([
      {
        token: secret,
        type: "keyward_api_key",
        url: "https://github.com/o/r/blob/1/fixture.json",
        source: "content",
      },
    ]);
    const response = await t.app.inject({
      method: "POST",
      url: "/secret-scanning/github",
      headers: {
        "content-type": "application/json",
        "github-public-key-identifier": github.identifier,
        "github-public-key-signature": github.sign(body),
      },
      payload: body,
    });
    expect(response.statusCode, response.body).toBe(200);
    const event = await waitFor(async () => {
      const page = await readAudit(account.admin);
      return page.items.find((item) => item.action === "api_key.canary_triggered");
    }, "the audit event");
    expect(event.target.id).toBe(canary.id);
    expect(event.details).toMatchObject({ foundAt: "https://github.com/o/r/blob/1/fixture.json" });
    const listed = await account.admin.request("GET", "/console/api/canaries");
    const [entry] = (listed.json() as { items: Array<{ retiredAt: string | null; triggers: number }> }).items;
    expect(entry?.retiredAt).toBeNull();
    expect(entry?.triggers).toBe(1);
  });

  it("raises no alert once retired, and is still refused like an unknown key", async () => {
    const account = await createTestAccount(t);
    const { canary, secret } = await createCanary(account, "retired one");
    const retired = await account.admin.request("POST", `/console/api/canaries/${canary.id}/retire`);
    expect(retired.statusCode, retired.body).toBe(200);
    const used = await useKey(t, secret, "198.51.100.99");
    expect((used.json() as { error: { code: string } }).error.code).toBe("invalid_api_key");
    await t.leaks.canaryAlerts.settle();
    const page = await readAudit(account.admin);
    expect(page.items.some((item) => item.action === "api_key.canary_triggered")).toBe(false);
  });
});
