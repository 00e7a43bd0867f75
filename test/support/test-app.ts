import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.js";
import type { Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { openDatabase } from "../../src/db/open-database.js";
import { type BuildAppOptions, buildApp, type Keyward } from "../../src/http/app.js";
import { createTestDatabaseUrl } from "./test-database.js";

export interface TestApp extends Keyward {
  database: Database;
  /** Every log line the app wrote, raw, so tests can prove no secret is logged. */
  logs: string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** A database shared with another TestApp (two instances on one database). */
  databaseUrl?: string;
  publishChanges?: BuildAppOptions["publishChanges"];
  /**
   * With KEYWARD_REDIS_URL, wait until /readyz says Redis answers before the test starts (as a load
   * balancer would); false for tests that start Keyward against a Redis that is down on purpose.
   */
  waitForRedis?: boolean;
}

/** The real app on a fresh database (a new SQLite file; a fresh PostgreSQL schema when configured). */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { url, drop } = options.databaseUrl
    ? { url: options.databaseUrl, drop: async () => {} }
    : await createTestDatabaseUrl();
  // Redis calls time out after 2 s, not 500 ms: on a loaded 2-core CI machine a healthy local Redis
  // sometimes took longer, and sign-in failed closed. Tests of the timeout itself set their own.
  const config = loadConfig({
    KEYWARD_DATABASE: url,
    KEYWARD_LOG_LEVEL: "info",
    KEYWARD_REDIS_TIMEOUT_MS: "2000",
    ...options.env,
  });
  const database = await openDatabase(url, config.databasePool);
  await migrateToLatest(database);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const keyward = await buildApp({
    config,
    database,
    logStream,
    usageIntervalMs: 0,
    ...(options.publishChanges ? { publishChanges: options.publishChanges } : {}),
  });
  await keyward.app.ready();
  if (config.redisUrl && options.waitForRedis !== false) await untilRedisAnswers(keyward.app);
  return {
    ...keyward,
    database,
    logs,
    async close() {
      await keyward.app.close();
      await database.close();
      await drop();
    },
  };
}

/** A unique email so tests sharing a database never collide. */
export function uniqueEmail(label: string): string {
  return `${label}-${randomBytes(5).toString("hex")}@example.test`;
}

export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), "keyward-test-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

async function untilRedisAnswers(app: TestApp["app"]): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    const body = ready.json() as { redis?: string };
    if (body.redis === "reachable") return;
    if (Date.now() > deadline) throw new Error(`Redis never became reachable: /readyz said ${ready.body}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
