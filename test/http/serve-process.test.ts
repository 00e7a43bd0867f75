import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/open-database.js";
import {
  clusterPassword,
  createAccountWithCli,
  createKeyOverHttp,
  signInOverHttp,
  verifyOn,
} from "../scale/cluster.js";
import { type ServerProcess, startServer } from "../support/server-process.js";
import { createTestDatabaseUrl } from "../support/test-database.js";

// A real `keyward serve` process (SQLite, or PostgreSQL when the suite is pointed at it).
describe("keyward serve", () => {
  let database: { url: string; drop(): Promise<void> };
  let server: ServerProcess;
  let email: string;

  beforeAll(async () => {
    database = await createTestDatabaseUrl();
    ({ email } = await createAccountWithCli(database.url));
    // No periodic flush: only the shutdown can write the last-used time.
    server = await startServer(database.url, { KEYWARD_USAGE_FLUSH_SECONDS: "3600" });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it("answers /healthz and /readyz, and serves Prometheus metrics without secrets", async () => {
    const admin = await signInOverHttp(server.url, email);
    const key = await createKeyOverHttp(admin);
    expect(await verifyOn(server.url, key.secret)).toEqual({ status: 200 });

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^keyward_key_verifications_total\{outcome="active"\} [1-9]/m);
    expect(metrics).toContain("keyward_process_resident_memory_bytes");
    expect(metrics).not.toContain(key.secret);
    expect(metrics).not.toContain(key.id);
  });

  it("on SIGTERM finishes the request in flight, writes the last-used batch and exits cleanly", async () => {
    const admin = await signInOverHttp(server.url, email);
    const key = await createKeyOverHttp(admin);
    expect(await verifyOn(server.url, key.secret)).toEqual({ status: 200 });

    // A sign-in spends tens of milliseconds hashing: still in flight when the signal arrives.
    const inFlight = fetch(`${server.url}/console/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password: clusterPassword }),
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const exitCode = server.stop();
    expect((await inFlight).status).toBe(200);
    expect(await exitCode).toBe(0);

    const reopened = await openDatabase(database.url);
    const row = await reopened.db
      .selectFrom("api_keys")
      .select("last_used_at")
      .where("id", "=", key.id)
      .executeTakeFirst();
    await reopened.close();
    expect(row?.last_used_at).not.toBeNull();
  });
});
