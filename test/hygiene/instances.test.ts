import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { ChangeNotifications } from "../../src/db/notifications/change-notifications.js";
import { openDatabase } from "../../src/db/open-database.js";
import { uniqueIp } from "../hardening/support/network.js";
import { callWithKey } from "../hardening/support/requests.js";
import { expectError } from "../hardening/support/responses.js";
import { createTestAccount } from "../support/accounts.js";
import { createPostgresSchema } from "../support/postgres-schema.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { editKey, generateWith, reportingRead, rollOk, waitUntilPast } from "./support.js";

// Every hygiene change made on one instance must hold on the other's very next request: the change's
// response waits until every subscribed instance has dropped what it cached (PostgreSQL only).
const postgresUrl = process.env.KEYWARD_TEST_POSTGRES;

interface Instance {
  t: TestApp;
  close(): Promise<void>;
}

/** One more app on the shared schema, subscribed to its change notifications. */
async function startInstance(url: string): Promise<Instance> {
  const database: Database = await openDatabase(url);
  const { notifications: channel } = database;
  if (!channel) throw new Error("these tests need PostgreSQL");
  const notifications = new ChangeNotifications({ database: { ...database, notifications: channel } });
  const t = await createTestApp({ databaseUrl: url, publishChanges: notifications.publishChanges });
  notifications.start();
  await notifications.waitUntilSubscribed(5_000);
  return {
    t,
    async close() {
      await t.close();
      await notifications.close();
      await database.close();
    },
  };
}

describe.skipIf(!postgresUrl)("key hygiene across two instances on one PostgreSQL", () => {
  let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
  let first: Instance;
  let second: Instance;

  beforeAll(async () => {
    schema = await createPostgresSchema(postgresUrl ?? "", `kw_test_hygiene_${process.pid}_${Date.now()}`);
    first = await startInstance(schema.url);
    second = await startInstance(schema.url);
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await schema?.drop();
  });

  /** A call to the second instance from an address of the test's own. */
  function onSecond(ip = uniqueIp()) {
    return (secret: string, url = "/api/v1/key") => callWithKey(second.t, secret, url, { ip });
  }

  it("narrows a key cached on the other instance on its very next request when a ceiling is lowered there", async () => {
    const account = await createTestAccount(first.t);
    const manager = await account.addManager({ apiAccess: true });
    const call = onSecond();
    const { secret } = await generateWith(manager, {
      permissions: { all: false, sections: { reporting: "read", orders: "read" } },
    });
    for (let round = 0; round < 5; round++) {
      expect((await call(secret, "/api/v1/orders")).statusCode, `round ${round}`).toBe(200);
      expect((await call(secret, "/api/v1/orders")).statusCode, `round ${round}`).toBe(200);

      const lowered = await account.admin.request(
        "PUT",
        `/console/api/users/${manager.userId}/permission-ceiling`,
        {
          ceiling: reportingRead,
        },
      );
      expect(lowered.statusCode, lowered.body).toBe(200);
      const refused = expectError(await call(secret, "/api/v1/orders"), 403, "insufficient_permissions");
      expect(refused.message).toContain("orders:read");
      expect((await call(secret, "/api/v1/reports/sales")).statusCode).toBe(200);

      const raised = await account.admin.request(
        "PUT",
        `/console/api/users/${manager.userId}/permission-ceiling`,
        {
          ceiling: { all: true },
        },
      );
      expect(raised.statusCode, raised.body).toBe(200);
    }
  });

  it("refuses an old secret cached on the other instance on its very next request after a roll without grace", async () => {
    const { admin } = await createTestAccount(first.t);
    const call = onSecond();
    const { id, secret } = await generateWith(admin, {});
    expect((await call(secret)).statusCode).toBe(200);
    expect((await call(secret)).statusCode).toBe(200);

    const rolled = await rollOk(admin, id, "0");
    expectError(await call(secret), 401, "rolled_api_key");
    expect((await call(rolled.secret)).json()).toMatchObject({ id, status: "active" });
  });

  it("ends a grace period on the other instance too, while the new secret keeps working there", async () => {
    const { admin } = await createTestAccount(first.t);
    const call = onSecond();
    const { id, secret } = await generateWith(admin, {});
    expect((await call(secret)).statusCode).toBe(200);

    const rolled = await rollOk(admin, id, "2s");
    expect((await call(secret)).json()).toMatchObject({ status: "rolled" });
    expect((await call(rolled.secret)).statusCode).toBe(200);
    await waitUntilPast(rolled.key.previousKeyValidUntil);
    expectError(await call(secret), 401, "rolled_api_key");
    expect((await call(rolled.secret)).statusCode).toBe(200);
  });

  it("applies an allowlist set on one instance to the other's very next request", async () => {
    const { admin } = await createTestAccount(first.t);
    const { id, secret } = await generateWith(admin, {});
    const outside = uniqueIp();
    expect((await callWithKey(second.t, secret, "/api/v1/key", { ip: outside })).statusCode).toBe(200);

    const restricted = await editKey(admin, id, { allowedIps: ["127.0.0.0/24"] });
    expect(restricted.statusCode, restricted.body).toBe(200);
    const refused = expectError(
      await callWithKey(second.t, secret, "/api/v1/key", { ip: outside }),
      403,
      "ip_not_allowed",
    );
    expect(refused.message).toContain(outside);
    expect((await callWithKey(second.t, secret, "/api/v1/key", { ip: "127.0.0.2" })).statusCode).toBe(200);
  });

  it("expires a key on the other instance once an expiry shortened on the first has passed", async () => {
    const { admin } = await createTestAccount(first.t);
    const call = onSecond();
    const { id, secret } = await generateWith(admin, { expiresIn: "30d" });
    expect((await call(secret)).statusCode).toBe(200);

    const shortened = await editKey(admin, id, { expiresIn: "2s" });
    expect(shortened.statusCode, shortened.body).toBe(200);
    expect((await call(secret)).json()).toMatchObject({ expiresAt: shortened.json().expiresAt });
    await waitUntilPast(shortened.json().expiresAt);
    expectError(await call(secret), 401, "expired_api_key");
  });
});
