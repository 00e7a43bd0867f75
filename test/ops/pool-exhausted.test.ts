import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount } from "../support/accounts.js";
import { createPostgresSchema } from "../support/postgres-schema.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

// A pool with every connection busy (two, held by open transactions): a request waits at most KEYWARD_DATABASE_ACQUIRE_TIMEOUT_SECONDS,
// then gets 503 service_unavailable with Retry-After, counted in /metrics; it never queues without
// bound, and the database is not reported as down. Always on PostgreSQL (SQLite has no pool), in
// both CI passes.
const postgresBase = process.env.KEYWARD_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/test";

let t: TestApp;
let schema: Awaited<ReturnType<typeof createPostgresSchema>>;
beforeAll(async () => {
  schema = await createPostgresSchema(postgresBase, `kw_pool_${randomBytes(5).toString("hex")}`);
  t = await createTestApp({
    databaseUrl: schema.url,
    env: { KEYWARD_DATABASE_POOL_SIZE: "2", KEYWARD_DATABASE_ACQUIRE_TIMEOUT_SECONDS: "0.2" },
  });
});
afterAll(async () => {
  await t?.close();
  await schema?.drop();
});

async function acquireTimeouts(): Promise<number> {
  const text = (await t.app.inject({ method: "GET", url: "/metrics" })).body;
  const line = text.split("\n").find((l) => l.startsWith("keyward_database_pool_acquire_timeouts_total "));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

/** Checks out one pool connection (an open transaction) until the returned function is called. */
async function holdAConnection(): Promise<{ release(): Promise<void> }> {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let isHeld = () => {};
  const held = new Promise<void>((resolve) => {
    isHeld = resolve;
  });
  const transaction = t.database.db.transaction().execute(async (trx) => {
    await trx.selectFrom("accounts").select("id").limit(1).execute();
    isHeld();
    await released;
  });
  await held;
  return {
    async release() {
      release();
      await transaction;
    },
  };
}

describe("a PostgreSQL pool with every connection busy", () => {
  it("answers a request that needs the database with 503 and Retry-After after the acquire timeout, and counts it", async () => {
    const { admin } = await createTestAccount(t);
    expect((await admin.request("GET", "/console/api/keys")).statusCode).toBe(200);
    const before = await acquireTimeouts();

    const connections = [await holdAConnection(), await holdAConnection()];
    try {
      const started = performance.now();
      const busy = await admin.request("GET", "/console/api/keys");
      const waitedMs = Math.round(performance.now() - started);
      console.log(`[ops figures] pool exhausted (size 2, acquire timeout 200 ms): 503 after ${waitedMs} ms`);
      expect(busy.statusCode, busy.body).toBe(503);
      expect(busy.headers["retry-after"]).toBe("1");
      expect(busy.json().error).toMatchObject({
        code: "service_unavailable",
        message: expect.stringMatching(/no database connection came free/),
      });
      // At least this request (the instance's own background work may have been refused too).
      expect(await acquireTimeouts()).toBeGreaterThan(before);
      const ready = await t.app.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().error.message).toBe("Every database connection is busy.");
    } finally {
      for (const connection of connections) await connection.release();
    }

    // The connection back in the pool: the same request succeeds, nothing was restarted.
    expect((await admin.request("GET", "/console/api/keys")).statusCode).toBe(200);
    // A busy pool is overload, not an outage: no "database unreachable" line, the instance is ready.
    expect(t.logs.filter((line) => line.includes("database unreachable"))).toEqual([]);
    expect((await t.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
  });

  it("does not refuse anything while a connection is free", async () => {
    const { admin } = await createTestAccount(t);
    const before = await acquireTimeouts();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await admin.request("GET", "/console/api/keys")).statusCode);
    expect(answers).toEqual([200, 200, 200, 200, 200]);
    expect(await acquireTimeouts()).toBe(before);
  });
});
