import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
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
}

/** The real app on a fresh database (a new SQLite file; a fresh PostgreSQL schema when configured). */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { url, drop } = options.databaseUrl
    ? { url: options.databaseUrl, drop: async () => {} }
    : await createTestDatabaseUrl();
  const config = loadConfig({ KEYWARD_DATABASE: url, KEYWARD_LOG_LEVEL: "info", ...options.env });
  const database = await openDatabase(url);
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
