import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maxAttempts } from "../../src/webhooks/retry-schedule.js";
import { expectError } from "../http/helpers.js";
import { createTestAccount, generateKey, type TestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createLeakTestApp, type Receiver, startReceiver, verifyDelivery, waitFor } from "./support.js";

async function addEndpoint(account: TestAccount, url: string, events: string[] = ["all"]) {
  const response = await account.admin.request("POST", "/console/api/webhooks", { url, events });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as { endpoint: { id: string; isEnabled: boolean }; secret: string };
}

async function deliveriesOf(account: TestAccount, endpointId: string) {
  const response = await account.admin.request("GET", `/console/api/webhooks/${endpointId}/deliveries`);
  expect(response.statusCode, response.body).toBe(200);
  return (
    response.json() as {
      items: Array<{
        id: string;
        eventType: string;
        status: string;
        attempts: number;
        attemptLog: Array<{ statusCode: number | null; responseMs: number }>;
      }>;
    }
  ).items;
}

describe("webhook deliveries", () => {
  let t: TestApp;
  let receiver: Receiver;
  beforeAll(async () => {
    t = await createLeakTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("signs every delivery so the standardwebhooks package verifies it, and never sends a secret", async () => {
    receiver = await startReceiver();
    const account = await createTestAccount(t);
    const { endpoint, secret } = await addEndpoint(account, receiver.url, ["key.created", "key.revoked"]);
    expect(secret).toMatch(/^whsec_/);
    const listed = await account.admin.request("GET", "/console/api/webhooks");
    expect(listed.body).not.toContain(secret);
    const key = await generateKey(account.admin);
    await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    await waitFor(() => receiver.received.length >= 2, "two deliveries");
    const payloads = receiver.received.map((delivery) => verifyDelivery(secret, delivery));
    expect(payloads.map((payload) => payload.type).sort()).toEqual(["key.created", "key.revoked"]);
    expect(payloads.every((payload) => (payload.data.key as { id: string }).id === key.id)).toBe(true);
    for (const delivery of receiver.received) expect(delivery.body).not.toContain(key.secret);
    // A body changed on the way, or signed with another secret, does not verify.
    const first = receiver.received[0];
    if (!first) throw new Error("no delivery");
    expect(() => verifyDelivery(secret, { ...first, body: first.body.replace("key.", "kex.") })).toThrow();
    expect(() => verifyDelivery("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", first)).toThrow();
    const log = await waitFor(async () => {
      const entries = await deliveriesOf(account, endpoint.id);
      return entries.length === 2 && entries.every((entry) => entry.status === "delivered")
        ? entries
        : undefined;
    }, "both deliveries recorded");
    expect(log.map((entry) => entry.attemptLog.map((attempt) => attempt.statusCode))).toEqual([[200], [200]]);
    // The endpoints list tells how the latest delivery went.
    const summaries = await account.admin.request("GET", "/console/api/webhooks");
    expect((summaries.json() as { items: Array<{ lastDelivery: unknown }> }).items[0]?.lastDelivery).toEqual({
      eventType: log[0]?.eventType,
      status: "delivered",
      statusCode: 200,
      at: expect.any(String),
    });
    await receiver.close();
  });

  it("sends only the events an endpoint subscribed to", async () => {
    const only = await startReceiver();
    const account = await createTestAccount(t);
    const { secret } = await addEndpoint(account, only.url, ["key.revoked"]);
    const key = await generateKey(account.admin);
    await account.admin.request("PATCH", `/console/api/keys/${key.id}`, { name: "Renamed" });
    await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    await waitFor(() => only.received.length >= 1, "the revocation");
    await t.leaks.worker.runOnce();
    expect(only.received.map((delivery) => verifyDelivery(secret, delivery).type)).toEqual(["key.revoked"]);
    await only.close();
  });

  it("retries a delivery answered 500 with the same webhook-id until it is accepted", async () => {
    const flaky = await startReceiver((index) => (index < 2 ? 500 : 200));
    const account = await createTestAccount(t);
    const { endpoint, secret } = await addEndpoint(account, flaky.url, ["key.created"]);
    await generateKey(account.admin);
    await waitFor(() => flaky.received.length >= 3, "three attempts");
    const ids = new Set(flaky.received.map((delivery) => delivery.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    for (const delivery of flaky.received) verifyDelivery(secret, delivery);
    const [entry] = await waitFor(async () => {
      const log = await deliveriesOf(account, endpoint.id);
      return log[0]?.status === "delivered" ? log : undefined;
    }, "the delivery to be recorded as delivered");
    expect(entry?.attempts).toBe(3);
    expect(entry?.attemptLog.map((attempt) => attempt.statusCode)).toEqual([500, 500, 200]);
    await flaky.close();
  });

  it("gives up after the last attempt and disables an endpoint failing for a day, telling the Administrators", async () => {
    const broken = await startReceiver(() => 500);
    const account = await createTestAccount(t);
    const { endpoint } = await addEndpoint(account, broken.url, ["key.created"]);
    await generateKey(account.admin);
    const log = await waitFor(async () => {
      const entries = await deliveriesOf(account, endpoint.id);
      return entries[0]?.status === "failed" ? entries : undefined;
    }, "the delivery to fail for good");
    expect(log[0]?.attempts).toBeLessThanOrEqual(maxAttempts);
    expect(broken.received.length).toBe(log[0]?.attempts);
    const endpoints = await account.admin.request("GET", "/console/api/webhooks");
    const [saved] = (
      endpoints.json() as { items: Array<{ isEnabled: boolean; disabledReason: string | null }> }
    ).items;
    expect(saved?.isEnabled).toBe(false);
    expect(saved?.disabledReason).toMatch(/failed for a day/);
    const inbox = await waitFor(async () => {
      const response = await account.admin.request("GET", "/console/api/inbox");
      const body = response.json() as { unread: number; items: Array<{ type: string }> };
      return body.items.some((item) => item.type === "webhook.endpoint_disabled") ? body : undefined;
    }, "the Administrator's notification");
    expect(inbox.unread).toBeGreaterThan(0);
    // Nothing more is sent to a disabled endpoint.
    const before = broken.received.length;
    await generateKey(account.admin);
    await t.leaks.worker.runOnce();
    await t.leaks.worker.runOnce();
    expect(broken.received.length).toBe(before);
    await broken.close();
  });

  it("lets only Administrators see or change webhooks", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    expectError(await manager.request("GET", "/console/api/webhooks"), 403, "administrator_required");
    expectError(
      await manager.request("POST", "/console/api/webhooks", {
        url: "https://example.com/hook",
        events: ["all"],
      }),
      403,
      "administrator_required",
    );
    const rows = await t.database.db
      .selectFrom("webhook_endpoints")
      .select("id")
      .where("account_id", "=", account.accountId)
      .execute();
    expect(rows).toEqual([]);
  });

  it("adds an endpoint disabled when asked, and sends it nothing while an enabled one gets the event", async () => {
    const account = await createTestAccount(t);
    const paused = await startReceiver();
    const live = await startReceiver();
    const created = await account.admin.request("POST", "/console/api/webhooks", {
      url: paused.url,
      events: ["all"],
      isEnabled: false,
    });
    expect(created.statusCode, created.body).toBe(201);
    const disabled = (created.json() as { endpoint: { id: string; isEnabled: boolean } }).endpoint;
    expect(disabled.isEnabled).toBe(false);
    await addEndpoint(account, live.url);
    await generateKey(account.admin);
    await waitFor(() => live.received.length >= 1, "the enabled endpoint's delivery");
    expect(await deliveriesOf(account, disabled.id)).toEqual([]);
    expect(paused.received).toEqual([]);
    await paused.close();
    await live.close();
  });

  it("refuses an unknown event type by name and saves nothing", async () => {
    const account = await createTestAccount(t);
    const error = expectError(
      await account.admin.request("POST", "/console/api/webhooks", {
        url: "https://example.com/hook",
        events: ["key.stolen"],
      }),
      400,
      "invalid_request",
    );
    expect(error.fields).toEqual(["events"]);
    const listed = await account.admin.request("GET", "/console/api/webhooks");
    expect((listed.json() as { items: unknown[] }).items).toEqual([]);
  });

  it("delivers the marketplace's own events to endpoints subscribed to them", async () => {
    const shop = await startReceiver();
    const account = await createTestAccount(t);
    const { secret } = await addEndpoint(account, shop.url, ["product.updated"]);
    const key = await generateKey(account.admin);
    const products = await t.app.inject({
      method: "GET",
      url: "/api/v1/products?limit=1",
      headers: { authorization: `Bearer ${key.secret}` },
    });
    const product = (products.json() as { items: Array<{ id: string }> }).items[0];
    if (!product) throw new Error("no demo product");
    const changed = await t.app.inject({
      method: "PATCH",
      url: `/api/v1/products/${product.id}`,
      headers: { authorization: `Bearer ${key.secret}`, "idempotency-key": `idem-${Date.now()}` },
      payload: { title: "Renamed by a webhook test" },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    await waitFor(() => shop.received.length >= 1, "the product.updated delivery");
    const payload = verifyDelivery(secret, shop.received[0] as never);
    expect(payload.type).toBe("product.updated");
    expect(payload.data.resource).toEqual({ type: "product", id: product.id });
    await shop.close();
  });
});

describe("webhook addresses", () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await createTestApp({ env: { KEYWARD_OUTBOX_POLL_MS: "25", KEYWARD_LOG_LEVEL: "warn" } });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it("refuses http, private, loopback and link-local addresses by default, saving nothing", async () => {
    const account = await createTestAccount(strict);
    for (const url of [
      "http://example.com/hook",
      "https://127.0.0.1/hook",
      "https://10.1.2.3/hook",
      "https://169.254.169.254/latest/meta-data",
      "https://[::1]/hook",
      "https://localhost/hook",
      "https://user:pass@example.com/hook",
    ]) {
      const error = expectError(
        await account.admin.request("POST", "/console/api/webhooks", { url, events: ["all"] }),
        400,
        "invalid_request",
      );
      expect(error.fields, url).toEqual(["url"]);
    }
    const rows = await strict.database.db
      .selectFrom("webhook_endpoints")
      .select("id")
      .where("account_id", "=", account.accountId)
      .execute();
    expect(rows).toEqual([]);
  });

  it("checks the address again when sending: a private address is never connected to", async () => {
    const receiver = await startReceiver();
    const account = await createTestAccount(strict);
    // Saved while private addresses were allowed, or a name that resolved publicly then and privately now
    // (DNS rebinding): an address literal and a name (localhost) that resolves to loopback.
    const port = new URL(receiver.url).port;
    const now = new Date().toISOString();
    for (const [id, url] of [
      ["whk_private_literal", `https://127.0.0.1:${port}/hooks`],
      ["whk_private_name", `https://localhost:${port}/hooks`],
    ] as const) {
      await strict.database.db
        .insertInto("webhook_endpoints")
        .values({
          id,
          account_id: account.accountId,
          url,
          events: JSON.stringify(["*"]),
          secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
          is_enabled: 1,
          created_at: now,
          updated_at: now,
          description: "",
        })
        .execute();
    }
    await generateKey(account.admin);
    const attempts = await waitFor(async () => {
      const rows = await strict.database.db
        .selectFrom("webhook_attempts as a")
        .innerJoin("webhook_deliveries as d", "d.id", "a.delivery_id")
        .select(["d.endpoint_id", "a.error", "a.status_code"])
        .where("d.account_id", "=", account.accountId)
        .execute();
      return rows.length >= 2 ? rows : undefined;
    }, "two refused attempts");
    for (const attempt of attempts) {
      expect(attempt.error, attempt.endpoint_id).toBe("the address is private");
      expect(attempt.status_code).toBeNull();
    }
    expect(receiver.received).toEqual([]);
    await receiver.close();
  });
});
