import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServer, waitUntil } from "../support/server-process.js";
import {
  type ClusterDatabase,
  type ConsoleSession,
  createAccountWithCli,
  createClusterDatabase,
  createKeyOverHttp,
  isRevokedOn,
  signInOverHttp,
  verifyOn,
} from "./cluster.js";

const postgresUrl = process.env.KEYWARD_TEST_POSTGRES;

// Three real `keyward serve` processes on one PostgreSQL schema. Skipped without PostgreSQL; CI runs
// it in the PostgreSQL pass (.ci/run sets KEYWARD_TEST_POSTGRES).
describe.skipIf(!postgresUrl)("three instances on one PostgreSQL", () => {
  let database: ClusterDatabase;
  let servers: ServerProcess[] = [];
  let admin: ConsoleSession;

  const instance = (index: number) => {
    const server = servers[index];
    if (!server) throw new Error(`no instance ${index}`);
    return server.url;
  };

  /** A new key, verified once on every instance so each has it cached. */
  async function warmKey() {
    const key = await createKeyOverHttp(admin);
    for (const server of servers) {
      expect(await verifyOn(server.url, key.secret)).toEqual({ status: 200 });
      expect(await verifyOn(server.url, key.secret)).toEqual({ status: 200 });
    }
    return key;
  }

  async function readiness(url: string): Promise<number> {
    return (await fetch(`${url}/readyz`)).status;
  }

  beforeAll(async () => {
    database = await createClusterDatabase(postgresUrl ?? "", "scale");
    const { email } = await createAccountWithCli(database.url);
    servers = await Promise.all([0, 1, 2].map(() => startServer(database.url)));
    admin = await signInOverHttp(instance(0), email);
  }, 120_000);

  afterAll(async () => {
    const codes = await Promise.all(servers.map((server) => server.stop()));
    await database?.drop();
    // Graceful shutdown: SIGTERM ends each instance cleanly.
    expect(codes).toEqual(servers.map(() => 0));
  });

  it("rejects a key revoked on instance A at once on A, and within a second on B and C", async () => {
    const key = await warmKey();

    const revoke = await admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(revoke.status).toBe(200);
    expect(await isRevokedOn(instance(0), key.secret)).toBe(true);
    const [onB, onC] = await Promise.all([
      waitUntil(() => isRevokedOn(instance(1), key.secret), 1_000),
      waitUntil(() => isRevokedOn(instance(2), key.secret), 1_000),
    ]);
    expect(onB).toBeLessThan(1_000);
    expect(onC).toBeLessThan(1_000);
  });

  it("honours a revoke made while the notification connections are down, everywhere", async () => {
    const key = await warmKey();
    const { admin: pgAdmin, role } = database;

    // New connections refused, listeners killed: the instances can't resubscribe until LOGIN again.
    await pgAdmin.query(`alter role ${role} nologin`);
    try {
      await pgAdmin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where usename = $1 and application_name like 'keyward-listener%'",
        [role],
      );
      for (const server of servers) await waitUntil(async () => (await readiness(server.url)) === 503, 5_000);

      const revoke = await admin.request("POST", `/console/api/keys/${key.id}/revoke`);
      expect(revoke.status).toBe(200);
      // Nobody could have been notified: every instance is still unsubscribed.
      for (const server of servers) expect(await readiness(server.url)).toBe(503);
      for (const server of servers) expect(await isRevokedOn(server.url, key.secret)).toBe(true);
    } finally {
      await pgAdmin.query(`alter role ${role} login`);
    }

    for (const server of servers) await waitUntil(async () => (await readiness(server.url)) === 200, 15_000);
    for (const server of servers) expect(await isRevokedOn(server.url, key.secret)).toBe(true);
    // Trusted again: a fresh key is cached and served normally.
    await warmKey();
  });
});
