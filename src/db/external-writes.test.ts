import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setImmediate as nextTurn } from "node:timers/promises";
import SqliteDatabase from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "./database.js";
import { migrateToLatest } from "./migrate.js";
import { openDatabase } from "./open-database.js";

// What lets a running server see a CLI revoke: another connection's commit on the same SQLite file.
// The question is answered once per event-loop turn (requests are read in a turn's poll phase), so each
// question below is asked in a turn of its own, as requests read after the commit would be.
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
    await nextTurn();
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

  it("reports nothing when nobody else wrote", async () => {
    expect(database.hasExternalWrites()).toBe(false);
    await nextTurn();
    expect(database.hasExternalWrites()).toBe(false);
  });

  it("reports another connection's commit once, on the first question after it", async () => {
    expect(database.hasExternalWrites()).toBe(false);
    commitElsewhere();
    await nextTurn();
    expect(database.hasExternalWrites()).toBe(true);
    await nextTurn();
    expect(database.hasExternalWrites()).toBe(false);
  });

  it("reports a commit made right after a question on the next turn's question", async () => {
    expect(database.hasExternalWrites()).toBe(false);
    commitElsewhere();
    expect(database.hasExternalWrites(), "the same turn was already answered").toBe(false);
    await nextTurn();
    expect(database.hasExternalWrites()).toBe(true);
  });

  it("reports every one of several commits in a row, each on the question that follows it", async () => {
    for (let i = 0; i < 20; i++) {
      commitElsewhere();
      await nextTurn();
      expect(database.hasExternalWrites(), `commit ${i}`).toBe(true);
    }
  });

  it("does not count its own writes as another process's, and still sees the other's after them", async () => {
    await commitHere();
    await nextTurn();
    expect(database.hasExternalWrites()).toBe(false);
    await commitHere();
    commitElsewhere();
    await commitHere();
    await nextTurn();
    expect(database.hasExternalWrites()).toBe(true);
    await nextTurn();
    expect(database.hasExternalWrites()).toBe(false);
  });

  it("sees commits made after a checkpoint restarted the write-ahead log", async () => {
    commitElsewhere();
    await nextTurn();
    expect(database.hasExternalWrites()).toBe(true);
    other.pragma("wal_checkpoint(TRUNCATE)");
    await nextTurn();
    database.hasExternalWrites();
    commitElsewhere();
    await nextTurn();
    expect(database.hasExternalWrites()).toBe(true);
  });
});
