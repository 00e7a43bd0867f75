import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type ClusterDatabase,
  createAccountWithCli,
  createClusterDatabase,
  createKeyOverHttp,
  signInOverHttp,
} from "../scale/cluster.js";
import { freePort } from "../support/server-process.js";
import { type Instance, logLines, startInstance } from "./support/instance.js";
import { type Nginx, startNginx } from "./support/nginx.js";

const postgresUrl = process.env.KEYWARD_TEST_POSTGRES;
const workers = 8;

interface Failure {
  method: string;
  status: number;
  detail: string;
}

// The decisive deployment test (slow, so one): three `keyward serve` processes on one PostgreSQL
// behind Debian's nginx running deploy/nginx/keyward.conf, each restarted in turn (SIGTERM, drain,
// start again) while clients read and write through nginx. Not one request may fail.
describe.skipIf(!postgresUrl)("three instances behind nginx, restarted one at a time under load", () => {
  const dir = mkdtempSync(join(tmpdir(), "keyward-rolling-"));
  let database: ClusterDatabase | undefined;
  let nginx: Nginx | undefined;
  const instances: Instance[] = [];

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(instances.map((instance) => instance.stop()));
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers every GET and PATCH, drains each instance and exits it cleanly", {
    timeout: 900_000,
  }, async () => {
    database = await createClusterDatabase(postgresUrl ?? "", "roll");
    const { email } = await createAccountWithCli(database.url);
    const ports = await Promise.all([0, 1, 2].map(() => freePort()));
    const metricsPorts = await Promise.all([0, 1, 2].map(() => freePort()));
    const envFor = (slot: number) => ({
      KEYWARD_DATABASE: database?.url ?? "",
      KEYWARD_TRUST_PROXY: "1",
      KEYWARD_DRAIN_SECONDS: "5",
      KEYWARD_DATABASE_POOL_SIZE: "10",
      KEYWARD_METRICS_PORT: String(metricsPorts[slot]),
      KEYWARD_LOG_LEVEL: "info",
      KEYWARD_ACCESS_LOG_LEVEL: "debug",
    });
    for (const [slot, port] of ports.entries())
      instances.push((await startInstance(port, envFor(slot))).instance);
    console.log("[ops] three instances ready");
    nginx = await startNginx(dir, await freePort(), ports);
    const front = nginx.url;

    const admin = await signInOverHttp(front, email);
    const key = await createKeyOverHttp(admin);
    const auth = { authorization: `Bearer ${key.secret}` };
    const list = await fetch(`${front}/api/v1/products?limit=${workers}`, { headers: auth });
    expect(list.status).toBe(200);
    const productIds = ((await list.json()) as { items: Array<{ id: string }> }).items.map((p) => p.id);
    expect(productIds.length).toBe(workers);

    // Load: each worker reads and writes its own product through nginx, one request after another.
    let isLoading = true;
    const sent = { GET: 0, PATCH: 0 };
    const failures: Failure[] = [];
    const load = productIds.map(async (id, worker) => {
      let stock = worker * 1000;
      while (isLoading) {
        for (const method of ["GET", "PATCH"] as const) {
          sent[method]++;
          const body = method === "PATCH" ? JSON.stringify({ stock: ++stock % 1_000_000 }) : undefined;
          const answer = await request(`${front}/api/v1/products/${id}`, method, auth, body);
          if (answer.status !== 200) failures.push({ method, ...answer });
        }
      }
    });

    // Pool connections per instance (its own metrics listener) and the role's in PostgreSQL.
    const poolMax = [0, 0, 0];
    let postgresMax = 0;
    let isCounting = false;
    const sampler = setInterval(() => {
      metricsPorts.forEach(async (port, slot) => {
        const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
          (r) => r.text(),
          () => "",
        );
        const value = Number(/^keyward_database_pool_connections (\d+)/m.exec(text)?.[1] ?? 0);
        poolMax[slot] = Math.max(poolMax[slot] ?? 0, value);
      });
      if (isCounting) return;
      isCounting = true;
      database?.admin
        .query<{ count: string }>("select count(*) as count from pg_stat_activity where usename = $1", [
          database.role,
        ])
        .then(
          ({ rows }) => {
            postgresMax = Math.max(postgresMax, Number(rows[0]?.count ?? 0));
          },
          () => {},
        )
        .finally(() => {
          isCounting = false;
        });
    }, 250);

    const restarts: Array<{ slot: number; exitCode: number | null; stopMs: number; readyMs: number }> = [];
    const drainLogs: string[][] = [];
    const errors: string[] = [];
    try {
      await new Promise((r) => setTimeout(r, 2_000));
      for (const slot of [0, 1, 2]) {
        const old = instances[slot];
        if (!old) throw new Error(`no instance ${slot}`);
        await nginx.setDown(ports[slot]);
        const stopped = await old.stop();
        console.log(
          `[ops] instance ${slot} stopped after ${Math.round(stopped.ms)} ms; ${failures.length} failures so far`,
        );
        const lines = logLines(old.stdout());
        drainLogs.push(lines.map((line) => line.msg));
        errors.push(
          ...lines.filter((line) => line.level >= 50).map((line) => JSON.stringify(line).slice(0, 600)),
        );
        const { instance, readyMs } = await startInstance(ports[slot] ?? 0, envFor(slot));
        instances[slot] = instance;
        await nginx.setDown(undefined);
        restarts.push({
          slot,
          exitCode: stopped.code,
          stopMs: Math.round(stopped.ms),
          readyMs: Math.round(readyMs),
        });
        await new Promise((r) => setTimeout(r, 2_000));
      }
    } finally {
      isLoading = false;
      clearInterval(sampler);
      await Promise.all(load);
    }

    const total = sent.GET + sent.PATCH;
    console.log(
      `[ops figures] rolling restart of 3 instances behind nginx: ${total} requests sent (${sent.GET} GET, ${sent.PATCH} PATCH), ${failures.length} failed; ` +
        `restarts ${restarts.map((r) => `#${r.slot} exit ${r.exitCode} after ${r.stopMs} ms, ready again ${r.readyMs} ms after start`).join("; ")}; ` +
        `pool connections per instance (max) ${poolMax.join("/")}, role's PostgreSQL connections (max) ${postgresMax}`,
    );
    if (failures.length > 0)
      console.log(`[ops] errors logged: ${errors.join("\n")}\nnginx: ${nginx.errorLog()}`);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(sent.PATCH).toBeGreaterThan(100);
    // SIGTERM is a clean exit, after the drain and the in-flight requests.
    expect(restarts.map((r) => r.exitCode)).toEqual([0, 0, 0]);
    for (const messages of drainLogs) {
      expect(messages).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^draining/),
          expect.stringMatching(/^no longer accepting/),
          expect.stringMatching(/^stopped/),
        ]),
      );
    }
    // Bounded: no instance ever held more than its pool and its listener.
    for (const value of poolMax) expect(value).toBeLessThanOrEqual(10);
  });
});

/**
 * One request on a connection of its own: nginx closes idle client connections when it reloads (as
 * the restart procedure makes it do), a race between client and nginx that is not Keyward's to test.
 */
function request(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; detail: string }> {
  return new Promise((resolve) => {
    const sent = httpRequest(
      url,
      {
        method,
        agent: false,
        headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, detail: text.slice(0, 200) }));
        response.on("error", (error) => resolve({ status: 0, detail: String(error) }));
      },
    );
    sent.on("error", (error) => resolve({ status: 0, detail: String(error) }));
    sent.end(body);
  });
}
