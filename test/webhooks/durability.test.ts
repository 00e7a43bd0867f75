import { afterAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/keys/create-key.js";
import { revokeKey } from "../../src/keys/revoke-key.js";
import { noLocalCache } from "../../src/keys/verification/verification-changes.js";
import { createEndpoint } from "../../src/webhooks/endpoints.js";
import {
  createFaultDatabase,
  type Dialect,
  type FaultDatabase,
  faultPassword,
} from "../faults/support/fault-database.js";
import { signInOverHttp } from "../faults/support/http-client.js";
import { createTestAccount } from "../support/accounts.js";
import { type ServerProcess, startServer } from "../support/server-process.js";
import type { TestApp } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";
import { createLeakTestApp, type Receiver, startReceiver, verifyDelivery, waitFor } from "./support.js";

const dialect: Dialect = process.env.KEYWARD_TEST_POSTGRES ? "postgres" : "sqlite";
const figures: string[] = [];
afterAll(() => {
  if (figures.length > 0) console.log(`[delivery figures, ${dialect}] ${figures.join("; ")}`);
});

/** Every webhook-id the receiver got, and how many times. */
function countById(receiver: Receiver): Map<string, number> {
  const counts = new Map<string, number>();
  for (const delivery of receiver.received) {
    const id = String(delivery.headers["webhook-id"]);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe(`webhook delivery survives kill -9 (${dialect})`, () => {
  let db: FaultDatabase | undefined;
  let server: ServerProcess | undefined;
  let receiver: Receiver | undefined;
  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    await db?.drop();
  });

  it("delivers every event committed before a kill -9, once, after the restart", {
    timeout: 180_000,
  }, async () => {
    db = await createFaultDatabase(dialect);
    receiver = await startReceiver();
    const ctx = { db: db.database.db, changes: noLocalCache };
    const operator = { type: "operator" as const, accountId: db.accountId, ip: null };
    const { secret } = await createEndpoint(ctx, {
      actor: operator,
      input: { url: receiver.url, events: ["key.created", "key.revoked"] },
      settings: { allowPrivate: true },
    });
    const env = { KEYWARD_WEBHOOKS_ALLOW_PRIVATE: "true", KEYWARD_WEBHOOK_TIME_SCALE: "0.00001" };
    // The worker's first pass runs at start-up; the next would come an hour later, after the kill.
    server = await startServer(
      db.url,
      { ...env, KEYWARD_OUTBOX_POLL_MS: "3600000" },
      { readyTimeoutMs: 120_000 },
    );
    const admin = await signInOverHttp(server.url, db.adminEmail, faultPassword);
    const created: string[] = [];
    for (let i = 0; i < 10; i++) {
      const answer = await admin.request("POST", "/console/api/keys", {
        name: `Durable ${i}`,
        permissions: { all: true },
      });
      expect(answer.status).toBe(201);
      created.push((answer.body as { key: { id: string } }).key.id);
    }
    for (const id of created)
      expect((await admin.request("POST", `/console/api/keys/${id}/revoke`)).status).toBe(200);
    const pending = await db.database.db
      .selectFrom("outbox_events")
      .select("id")
      .where("account_id", "=", db.accountId)
      .where("dispatched_at", "is", null)
      .execute();
    expect(pending).toHaveLength(20);
    expect(receiver.received).toHaveLength(0);

    await server.kill9();
    server = await startServer(db.url, { ...env, KEYWARD_OUTBOX_POLL_MS: "50" }, { readyTimeoutMs: 120_000 });
    const live = receiver;
    await waitFor(() => countById(live).size >= 20, "20 deliveries after the restart", 30_000);
    // A few more passes of the worker: nothing is sent twice.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const counts = countById(live);
    expect(counts.size).toBe(20);
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    const events = live.received.map((delivery) => verifyDelivery(secret, delivery));
    expect(new Set(events.map((event) => event.id)).size).toBe(20);
    expect(events.filter((event) => event.type === "key.revoked")).toHaveLength(10);
    figures.push(
      `kill -9 between commit and delivery: 20 events committed, ${live.received.length} deliveries after restart, ${counts.size} distinct`,
    );
  });
});

describe(`webhook delivery with two instances on one database (${dialect})`, () => {
  const apps: TestApp[] = [];
  let receiver: Receiver | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterAll(async () => {
    for (const app of apps) await app.close();
    await receiver?.close();
    await drop?.();
  });

  it("delivers each event to each endpoint exactly once while both instances' workers run", {
    timeout: 120_000,
  }, async () => {
    const database = await createTestDatabaseUrl();
    drop = database.drop;
    const env = { KEYWARD_OUTBOX_POLL_MS: "10" };
    apps.push(await createLeakTestApp({ databaseUrl: database.url, env }));
    apps.push(await createLeakTestApp({ databaseUrl: database.url, env }));
    const [first, second] = apps as [TestApp, TestApp];
    receiver = await startReceiver();
    const second_receiver = await startReceiver();
    const account = await createTestAccount(first);
    const operator = { type: "operator" as const, accountId: account.accountId, ip: null };
    for (const url of [receiver.url, second_receiver.url]) {
      await createEndpoint(first.ctx, {
        actor: operator,
        input: { url, events: ["all"] },
        settings: { allowPrivate: true },
      });
    }
    const admin = await first.database.db
      .selectFrom("users")
      .selectAll()
      .where("account_id", "=", account.accountId)
      .executeTakeFirstOrThrow();
    const actor = {
      type: "user" as const,
      userId: admin.id,
      accountId: account.accountId,
      email: admin.email,
      role: admin.role,
      hasApiAccess: true,
      ip: null,
    };
    // 40 events, half made through each instance while both workers poll.
    for (let i = 0; i < 20; i++) {
      const app = i % 2 === 0 ? first : second;
      const { key } = await createKey(app.ctx, { actor, name: `Twin ${i}`, permissions: { all: true } });
      await revokeKey(app.ctx, { actor, keyId: key.id });
    }
    const live = receiver;
    await waitFor(
      () => countById(live).size >= 40 && countById(second_receiver).size >= 40,
      "40 deliveries to each endpoint",
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const target of [live, second_receiver]) {
      const counts = countById(target);
      expect(counts.size).toBe(40);
      expect([...counts.values()].every((count) => count === 1)).toBe(true);
    }
    const deliveries = await first.database.db
      .selectFrom("webhook_deliveries")
      .select(["status", "attempts"])
      .where("account_id", "=", account.accountId)
      .execute();
    expect(deliveries).toHaveLength(80);
    expect(deliveries.every((row) => row.status === "delivered" && row.attempts === 1)).toBe(true);
    figures.push(
      `two instances: 40 events x 2 endpoints, ${live.received.length + second_receiver.received.length} requests, 80 distinct deliveries`,
    );
    await second_receiver.close();
  });
});
