import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliVerificationChanges } from "../../src/cli/cli-changes.js";
import type { Database } from "../../src/db/database.js";
import {
  ChangeNotifications,
  type ChangeNotificationsOptions,
} from "../../src/db/notifications/change-notifications.js";
import { listenerName, parseChange } from "../../src/db/notifications/protocol.js";
import { openDatabase } from "../../src/db/open-database.js";
import { revokeKey } from "../../src/keys/revoke-key.js";
import { noLocalCache } from "../../src/keys/verification/verification-changes.js";
import { callApi, createTestAccount, generateKey } from "../support/accounts.js";
import { createPostgresSchema } from "../support/postgres-schema.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

const postgresUrl = process.env.KEYWARD_TEST_POSTGRES;

describe("notification payloads", () => {
  it("name the key or the owner that changed, and when", () => {
    expect(parseChange("k:key_01ABC:1700000000000")).toEqual({
      kind: "k",
      id: "key_01ABC",
      sentAt: 1700000000000,
    });
    expect(parseChange("u:usr_01ABC:1700000000000")?.kind).toBe("u");
  });

  it("are refused when unreadable, so the receiver drops its whole cache", () => {
    expect(parseChange("")).toBeNull();
    expect(parseChange("x:key_1:1")).toBeNull();
    expect(parseChange("k::1")).toBeNull();
  });
});

interface Instance {
  t: TestApp;
  notifications: ChangeNotifications;
  database: Database;
  close(): Promise<void>;
}

/** One more app on the shared schema, subscribed to its change notifications. */
async function startInstance(
  url: string,
  options: Omit<ChangeNotificationsOptions, "database"> = {},
): Promise<Instance> {
  const database = await openDatabase(url);
  const notifications = notificationsOf(database, options);
  const t = await createTestApp({ databaseUrl: url, publishChanges: notifications.publishChanges });
  notifications.start();
  await notifications.waitUntilSubscribed(5_000);
  return {
    t,
    notifications,
    database,
    async close() {
      await t.close();
      await notifications.close();
      await database.close();
    },
  };
}

function notificationsOf(
  database: Database,
  options: Omit<ChangeNotificationsOptions, "database"> = {},
): ChangeNotifications {
  const { notifications } = database;
  if (!notifications) throw new Error("these tests need PostgreSQL");
  return new ChangeNotifications({ database: { ...database, notifications }, ...options });
}

/** Polls until `check` holds; returns the milliseconds it took. */
async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - start;
}

async function isRevokedOn(instance: Instance, secret: string): Promise<boolean> {
  const response = await callApi(instance.t, secret, "/api/v1/key");
  return response.statusCode === 401 && response.json().error.code === "revoked_api_key";
}

async function terminateBackend(pid: number): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  await client.query("select pg_terminate_backend($1)", [pid]);
  await client.end();
}

describe.skipIf(!postgresUrl)("change notifications between instances on one PostgreSQL", () => {
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let first: Instance;
  let second: Instance;

  beforeAll(async () => {
    schema = await createPostgresSchema(postgresUrl ?? "", `kw_test_notify_${process.pid}_${Date.now()}`);
    first = await startInstance(schema.url);
    // A long first retry keeps the outage open while the test revokes a key during it.
    second = await startInstance(schema.url, { reconnectDelayMs: 1_500 });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await schema?.drop();
  });

  it("makes the other instance reject a key revoked on the first within a second", async () => {
    const account = await createTestAccount(first.t);
    const key = await generateKey(account.admin);
    expect((await callApi(second.t, key.secret, "/api/v1/key")).statusCode).toBe(200);

    const revoke = await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(revoke.statusCode).toBe(200);
    expect(await isRevokedOn(first, key.secret)).toBe(true);
    const elapsed = await waitFor(() => isRevokedOn(second, key.secret), 1_000);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("makes the other instance reject a revoked key on its very next request, with no waiting", async () => {
    const account = await createTestAccount(first.t);
    for (let round = 0; round < 10; round++) {
      const key = await generateKey(account.admin);
      expect((await callApi(second.t, key.secret, "/api/v1/key")).statusCode).toBe(200);
      expect((await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`)).statusCode).toBe(
        200,
      );
      // The revoke returned only after the second instance acknowledged dropping the key.
      expect(await isRevokedOn(second, key.secret), `round ${round}`).toBe(true);
    }
  });

  it("cuts off a listener that never acknowledges, so its instance stops trusting its cache", async () => {
    // The key is created first: creating one is announced too, and would cut the listener off early.
    const account = await createTestAccount(first.t);
    const key = await generateKey(account.admin);
    const channel = first.database.notifications?.channel ?? "";
    const silent = new pg.Client({ connectionString: schema.url.replace(/\?.*$/, "") });
    const lost = new Promise<void>((resolve) => silent.on("error", () => resolve()));
    await silent.connect();
    await silent.query(`listen ${silent.escapeIdentifier(channel)}`);
    await silent.query("select set_config('application_name', $1, false)", [listenerName(channel)]);

    const started = performance.now();
    expect((await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`)).statusCode).toBe(200);
    const revokeMs = performance.now() - started;
    await lost;
    expect(revokeMs).toBeGreaterThanOrEqual(900);
    await silent.end().catch(() => {});
  });

  it("returns from a CLI revoke only once every running server has dropped the key", async () => {
    const account = await createTestAccount(first.t);
    const key = await generateKey(account.admin);
    expect((await callApi(first.t, key.secret, "/api/v1/key")).statusCode).toBe(200);
    expect((await callApi(second.t, key.secret, "/api/v1/key")).statusCode).toBe(200);

    const cli = await cliVerificationChanges(first.database, noLocalCache);
    try {
      await revokeKey(
        { db: first.database.db, changes: cli.changes },
        { actor: { type: "operator", accountId: account.accountId, ip: null }, keyId: key.id },
      );
    } finally {
      await cli.close();
    }
    // No waiting: the CLI returned after both instances acknowledged.
    expect(await isRevokedOn(first, key.secret)).toBe(true);
    expect(await isRevokedOn(second, key.secret)).toBe(true);
  });

  it("stops trusting its cache while disconnected, so a revoke made meanwhile is honoured", async () => {
    const account = await createTestAccount(first.t);
    const key = await generateKey(account.admin);
    expect((await callApi(second.t, key.secret, "/api/v1/key")).statusCode).toBe(200);

    await terminateBackend(second.notifications.backendPid ?? -1);
    await waitFor(() => !second.notifications.isSubscribed, 2_000);
    expect(second.t.cache.isTrusted).toBe(false);
    expect((await second.t.app.inject({ url: "/readyz" })).statusCode).toBe(503);

    // The second instance misses this notification: it is not listening.
    expect((await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`)).statusCode).toBe(200);
    expect(second.notifications.isSubscribed).toBe(false);
    expect(await isRevokedOn(second, key.secret)).toBe(true);

    await second.notifications.waitUntilSubscribed(10_000);
    expect(second.t.cache.isTrusted).toBe(true);
    expect((await second.t.app.inject({ url: "/readyz" })).statusCode).toBe(200);
    expect(await isRevokedOn(second, key.secret)).toBe(true);
  });

  it("measures how long a notification took to arrive", async () => {
    const lags: number[] = [];
    const database = await openDatabase(schema.url);
    const notifications = notificationsOf(database, {
      metrics: {
        observeLag: (seconds) => lags.push(seconds),
        countReceived: () => {},
        countReconnect: () => {},
      },
    });
    const third = await createTestApp({
      databaseUrl: schema.url,
      publishChanges: notifications.publishChanges,
    });
    notifications.start();
    await notifications.waitUntilSubscribed(5_000);
    await first.t.ctx.changes.keyChanged("key_unknown");
    await waitFor(() => lags.length > 0, 1_000);
    expect(lags[0]).toBeGreaterThanOrEqual(0);
    expect(lags[0]).toBeLessThan(1);
    await third.close();
    await notifications.close();
    await database.close();
  });
});
