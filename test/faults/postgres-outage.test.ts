import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isReady, type ServerProcess, startServer } from "../support/server-process.js";
import {
  createFaultDatabase,
  type FaultDatabase,
  faultEnv,
  faultPassword,
} from "./support/fault-database.js";
import {
  type Answer,
  errorCode,
  type HttpConsole,
  send,
  signInOverHttp,
  verifyKey,
} from "./support/http-client.js";
import { type PostgresProxy, postgresProxy } from "./support/postgres-proxy.js";

// A Keyward server whose PostgreSQL goes away — refused (a stopped server) or silent (a hung one) —
// and comes back. The server reaches PostgreSQL through a proxy of the test's own, so the shared
// PostgreSQL and other tests' connections are never touched. During the outage: /readyz 503 naming
// the database, every request that needs it a prompt 503 in the error shape, the process alive. After:
// ready again and serving, without a restart. The recovery times are printed, not asserted.
const isEnabled = process.env.KEYWARD_FAULTS === "1";
const figures: string[] = [];

const outageEnv = {
  ...faultEnv,
  KEYWARD_DATABASE_CONNECT_TIMEOUT_SECONDS: "2",
  KEYWARD_DATABASE_STATEMENT_TIMEOUT_SECONDS: "3",
};

describe.runIf(isEnabled)("a Keyward server losing its PostgreSQL", () => {
  let db: FaultDatabase;
  let proxy: PostgresProxy;
  let server: ServerProcess;
  let admin: HttpConsole;

  beforeAll(async () => {
    db = await createFaultDatabase("postgres");
    proxy = await postgresProxy();
    server = await startServer(proxy.urlFor(db.url), outageEnv);
    admin = await signInOverHttp(server.url, db.adminEmail, faultPassword);
  });
  afterAll(async () => {
    if (figures.length) console.log(`[fault figures] ${figures.join("; ")}`);
    await server?.stop();
    await proxy?.close();
    await db?.drop();
  });

  async function createKey(): Promise<{ id: string; secret: string }> {
    const answer = await admin.request("POST", "/console/api/keys", {
      name: "Outage",
      permissions: { all: true },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const body = answer.body as { key: { id: string }; secret: string };
    return { id: body.key.id, secret: body.secret };
  }

  const readiness = () => send(`${server.url}/readyz`, { timeoutMs: 15_000 });

  async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000) {
    const deadline = performance.now() + timeoutMs;
    while (!(await condition())) {
      if (!server.isAlive()) throw new Error(`the server died:\n${server.output().slice(-3_000)}`);
      if (performance.now() > deadline) {
        throw new Error(`${what} not within ${timeoutMs} ms:\n${server.output().slice(-3_000)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** A 503 in Keyward's error shape, with Retry-After, not a hang (status 0) nor a 500. */
  function expectUnavailable(answer: Answer, what: string) {
    expect(answer.status, `${what}: ${answer.error ?? JSON.stringify(answer.body)}`).toBe(503);
    expect(errorCode(answer), what).toBe("service_unavailable");
    expect(answer.headers?.get("retry-after"), what).toMatch(/^\d+$/);
  }

  async function timed<T>(call: () => Promise<T>): Promise<{ answer: T; ms: number }> {
    const started = performance.now();
    const answer = await call();
    return { answer, ms: Math.round(performance.now() - started) };
  }

  async function expectServingDuringOutage(label: string, key: { secret: string }) {
    await until("/readyz 503", async () => (await readiness()).status === 503, 30_000);
    const ready = await readiness();
    expect(ready.body).toMatchObject({
      status: "unavailable",
      database: "postgres",
      error: { code: "service_unavailable", message: expect.stringMatching(/database/i) },
    });
    expect(ready.headers?.get("retry-after")).toMatch(/^\d+$/);

    const list = await timed(() => admin.request("GET", "/console/api/keys"));
    expectUnavailable(list.answer, "console: list keys");
    const create = await timed(() =>
      admin.request("POST", "/console/api/keys", { name: "During", permissions: { all: true } }),
    );
    expectUnavailable(create.answer, "console: create a key");
    // A cached key is refused too: a revocation made elsewhere during the outage could not be seen.
    const verify = await timed(() => verifyKey(server.url, key.secret, 15_000));
    expectUnavailable(verify.answer, "API: verify a key");
    figures.push(
      `${label}: 503 in ${list.ms} ms (console list), ${create.ms} ms (console create), ${verify.ms} ms (API key)`,
    );
    expect(server.isAlive()).toBe(true);
  }

  async function expectRecovered(label: string, key: { secret: string }, restoredAt: number) {
    await until("/readyz 200 after the database came back", () => isReady(server.url));
    const recoveryMs = Math.round(performance.now() - restoredAt);
    figures.push(`${label}: database back → /readyz 200 in ${recoveryMs} ms`);
    expect((await admin.request("GET", "/console/api/keys")).status).toBe(200);
    expect((await verifyKey(server.url, key.secret)).status).toBe(200);
    const fresh = await createKey();
    expect((await verifyKey(server.url, fresh.secret)).status).toBe(200);
    expect(server.isAlive()).toBe(true);
  }

  it("answers 503 promptly while PostgreSQL refuses connections, and serves again once it is back", async () => {
    const key = await createKey();
    expect((await verifyKey(server.url, key.secret)).status).toBe(200);

    proxy.cut();
    try {
      await expectServingDuringOutage("PostgreSQL refusing connections", key);
    } finally {
      proxy.restore();
    }
    await expectRecovered("PostgreSQL refusing connections", key, performance.now());
  });

  it("answers 503 within the timeouts while PostgreSQL accepts but never answers, and recovers", async () => {
    const key = await createKey();
    expect((await verifyKey(server.url, key.secret)).status).toBe(200);

    proxy.stall();
    try {
      await expectServingDuringOutage("PostgreSQL silent", key);
    } finally {
      proxy.restore();
    }
    await expectRecovered("PostgreSQL silent", key, performance.now());
  });

  it("logged each outage once, not a stack trace per failed request", () => {
    const lines = server.output().split("\n");
    expect(lines.filter((line) => line.includes('"code":"internal_error"'))).toEqual([]);
    const traces = lines.filter((line) => line.includes('"stack"')).map(describeLogLine);
    expect(traces).toEqual([]);
    const unreachable = lines.filter((line) => line.includes("database unreachable"));
    figures.push(`"database unreachable" logged ${unreachable.length} times for 2 outages`);
    expect(unreachable.length).toBeGreaterThanOrEqual(1);
    expect(unreachable.length).toBeLessThanOrEqual(2);
  });
});

function describeLogLine(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
    return `${entry.msg} (${entry.err?.message})`;
  } catch {
    return line.slice(0, 300);
  }
}
