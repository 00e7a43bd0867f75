import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sweepExpiringKeys } from "../../src/webhooks/expiry-sweep.js";
import { createTestAccount, generateKey, type TestAccount } from "../support/accounts.js";
import type { TestApp } from "../support/test-app.js";
import {
  createLeakTestApp,
  type MailServer,
  type Receiver,
  startMailServer,
  startReceiver,
  verifyDelivery,
  waitFor,
} from "./support.js";

const dayMs = 86_400_000;

describe("domain events from the operations that cause them", () => {
  let t: TestApp;
  let mail: MailServer;
  beforeAll(async () => {
    mail = await startMailServer();
    t = await createLeakTestApp({
      env: { KEYWARD_SMTP_URL: mail.url, KEYWARD_EMAIL_FROM: "keyward@example.test" },
    });
  });
  afterAll(async () => {
    await t?.close();
    await mail?.close();
  });

  async function subscribe(account: TestAccount): Promise<{ receiver: Receiver; secret: string }> {
    const receiver = await startReceiver();
    const response = await account.admin.request("POST", "/console/api/webhooks", {
      url: receiver.url,
      events: ["all"],
    });
    return { receiver, secret: (response.json() as { secret: string }).secret };
  }

  it("sends user.api_access_granted, user.api_access_removed and user.deactivated", async () => {
    const account = await createTestAccount(t);
    const { receiver, secret } = await subscribe(account);
    const manager = await account.addManager();
    await account.admin.request("POST", `/console/api/users/${manager.userId}/api-access`, {});
    await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`);
    await account.admin.request("POST", `/console/api/users/${manager.userId}/deactivate`);
    await waitFor(() => receiver.received.length >= 3, "three user events");
    const events = receiver.received.map((delivery) => verifyDelivery(secret, delivery));
    expect(events.map((event) => event.type).sort()).toEqual([
      "user.api_access_granted",
      "user.api_access_removed",
      "user.deactivated",
    ]);
    expect(events.every((event) => (event.data.user as { id: string }).id === manager.userId)).toBe(true);
    await receiver.close();
  });

  it("sends nothing for a change that was refused", async () => {
    const account = await createTestAccount(t);
    const { receiver } = await subscribe(account);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(account.admin);
    const refused = await manager.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(refused.statusCode).toBe(403);
    await t.leaks.worker.runOnce();
    await t.leaks.worker.runOnce();
    const types = receiver.received.map((delivery) => JSON.parse(delivery.body).type);
    expect(types).not.toContain("key.revoked");
    await receiver.close();
  });

  it("emails the owner when someone else revokes their key, and not when they act themselves", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const own = await generateKey(manager, { all: true }, "Manager's own");
    await manager.request("PATCH", `/console/api/keys/${own.id}`, { name: "Renamed by its owner" });
    await account.admin.request("POST", `/console/api/keys/${own.id}/revoke`);
    const email = await waitFor(
      () => mail.mails.find((m) => m.to.includes(manager.email)),
      "the owner's email",
    );
    expect(email.text).toContain("was revoked");
    expect(email.text).toContain(account.admin.email);
    expect(mail.mails.filter((m) => m.to.includes(manager.email))).toHaveLength(1);
  });

  it("warns 7 days and 1 day before a key expires, then says it expired, each once", async () => {
    const account = await createTestAccount(t);
    const { receiver, secret } = await subscribe(account);
    const created = await account.admin.request("POST", "/console/api/keys", {
      name: "Expiring soon",
      permissions: { all: true },
      expiresIn: "5d",
    });
    expect(created.statusCode, created.body).toBe(201);
    const keyId = (created.json() as { key: { id: string } }).key.id;
    const now = Date.now();
    // Two instances sweeping at the same moment emit each notice once.
    await Promise.all([sweepExpiringKeys(t.database.db, now), sweepExpiringKeys(t.database.db, now)]);
    await sweepExpiringKeys(t.database.db, now + 4.5 * dayMs);
    await sweepExpiringKeys(t.database.db, now + 4.6 * dayMs);
    await sweepExpiringKeys(t.database.db, now + 6 * dayMs);
    await waitFor(
      () =>
        receiver.received.filter((delivery) => JSON.parse(delivery.body).type !== "key.created").length >= 3,
      "three expiry events",
    );
    await t.leaks.worker.runOnce();
    const events = receiver.received
      .map((delivery) => verifyDelivery(secret, delivery))
      .filter((event) => (event.data.key as { id: string }).id === keyId && event.type !== "key.created");
    expect(events.map((event) => `${event.type} ${event.data.daysLeft ?? "-"}`).sort()).toEqual([
      "key.expired -",
      "key.expiring 1",
      "key.expiring 7",
    ]);
    const warnings = await waitFor(() => {
      const found = mail.mails.filter(
        (m) => m.to.includes(account.admin.email) && m.text.includes("Expiring soon"),
      );
      return found.length >= 2 ? found : undefined;
    }, "two expiry emails");
    expect(warnings.map((m) => /expires in (\d) day/.exec(m.text)?.[1]).sort()).toEqual(["1", "7"]);
    await receiver.close();
  });
});
