import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "./database.js";
import { migrateToLatest } from "./migrate.js";

// What lets a running server see a CLI revoke: another connection's commit on the same SQLite file.
describe("A SQLite database's view of other processes' writes", () => {
  let dir: string;
  let database: Database;
  let other: SqliteDatabase.Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "keyward-external-"));
    database = await openDatabase(join(dir, "keyward.db"));
    await migrateToLatest(database);
    other = new SqliteDatabase(join(dir, "keyward.db"));
    database.hasExternalWrites();
  });
  afterEach(async () => {
    other.close();
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let accounts = 0;
  const commitElsewhere = () =>
    other
      .prepare("INSERT INTO accounts (id, name, demo_seed, created_at) VALUES (?, ?, 0, ?)")
      .run(`acc_elsewhere_${++accounts}`, "Elsewhere", new Date().toISOString());
  const commitHere = () =>
    database.db
      .insertInto("accounts")
      .values({
        id: `acc_here_${++accounts}`,
        name: "Here",
        demo_seed: 0,
        created_at: new Date().toISOString(),
      })
      .execute();

  it("reports nothing when nobody else wrote", () => {
    expect(database.hasExternalWrites()).toBe(false);
    expect(database.hasExternalWrites()).toBe(false);
  });

  it("reports another connection's commit once, on the very next question", () => {
    expect(database.hasExternalWrites()).toBe(false);
    commitElsewhere();
    expect(database.hasExternalWrites()).toBe(true);
    expect(database.hasExternalWrites()).toBe(false);
  });

  it("reports every one of several commits in a row, each on the question that follows it", () => {
    for (let i = 0; i < 20; i++) {
      commitElsewhere();
      expect(database.hasExternalWrites(), `commit ${i}`).toBe(true);
    }
  });

  it("does not count its own writes as another process's, and still sees the other's after them", async () => {
    await commitHere();
    expect(database.hasExternalWrites()).toBe(false);
    await commitHere();
    commitElsewhere();
    await commitHere();
    expect(database.hasExternalWrites()).toBe(true);
    expect(database.hasExternalWrites()).toBe(false);
  });

  it("sees commits made after a checkpoint restarted the write-ahead log", () => {
    commitElsewhere();
    expect(database.hasExternalWrites()).toBe(true);
    other.pragma("wal_checkpoint(TRUNCATE)");
    database.hasExternalWrites();
    commitElsewhere();
    expect(database.hasExternalWrites()).toBe(true);
  });
});
