import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "./database.js";
import { migrateToLatest } from "./migrate.js";
import { openDatabase } from "./open-database.js";

// Migrations run without waiting for the disk (one flush per statement was most of a fresh start);
// what follows them must wait again: an acknowledged revocation is on disk before its response leaves.
describe("Migrating a SQLite database", () => {
  let dir: string;
  let database: Database;
  const synchronous = async () =>
    (await sql<{ synchronous: number }>`pragma synchronous`.execute(database.db)).rows[0]?.synchronous;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "keyward-migrate-"));
    database = await openDatabase(join(dir, "keyward.db"));
  });
  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("leaves every later commit waiting for the disk (synchronous = FULL), after migrating and after nothing to migrate", async () => {
    const FULL = 2;
    expect(await synchronous()).toBe(FULL);
    expect((await migrateToLatest(database)).applied.length).toBeGreaterThan(5);
    expect(await synchronous()).toBe(FULL);
    expect((await migrateToLatest(database)).applied).toEqual([]);
    expect(await synchronous()).toBe(FULL);
  });

  it("leaves commits waiting for the disk when a migration fails", async () => {
    // A table the first migration creates, already there: that migration fails part-way.
    await sql`create table accounts (id text primary key)`.execute(database.db);
    await expect(migrateToLatest(database)).rejects.toThrow(/accounts/);
    expect(await synchronous()).toBe(2);
  });
});
