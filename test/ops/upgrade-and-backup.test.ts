import { execFile } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/create-account.js";
import type { Context } from "../../src/context.js";
import type { Database } from "../../src/db/database.js";
import { openDatabase } from "../../src/db/open-database.js";
import { recordRequirement } from "../../src/db/schema-compatibility.js";
import { createKey } from "../../src/keys/create-key.js";
import { revokeKey } from "../../src/keys/revoke-key.js";
import { noLocalCache } from "../../src/keys/verification/verification-changes.js";
import { findUserByEmail } from "../../src/users/list-users.js";
import { actorForUser } from "../../src/users/user-view.js";
import { testPassword } from "../support/accounts.js";
import { jsonOutput, runCli } from "../support/cli.js";
import { freePort } from "../support/server-process.js";
import { tempDir, uniqueEmail } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";
import { logLines, startInstance } from "./support/instance.js";

const run = promisify(execFile);
const postgresBase = process.env.KEYWARD_TEST_POSTGRES;

// Upgrades, rollbacks, backups and restores as an operator runs them: the real CLI and server
// processes, on SQLite or (with KEYWARD_TEST_POSTGRES) PostgreSQL.
let target: { url: string; drop(): Promise<void> };
const files = tempDir();
let database: Database;
let ctx: Context;

async function open(): Promise<void> {
  database = await openDatabase(target.url);
  ctx = { db: database.db, changes: noLocalCache };
}

beforeAll(async () => {
  target = await createTestDatabaseUrl();
  // Slow on a busy machine: every step is a real CLI process.
  const migrated = await runCli(target.url, ["migrate", "--json"]);
  expect(migrated.exitCode, migrated.stderr).toBe(0);
  await open();
}, 300_000);

afterAll(async () => {
  await database.close();
  await target.drop();
  files.remove();
});

async function seedKeys() {
  const adminEmail = uniqueEmail("admin");
  const { account } = await createAccount(ctx, {
    account: { name: `Backup ${adminEmail}`, adminEmail, adminPassword: testPassword },
    demoSeed: 3,
  });
  const admin = await findUserByEmail(ctx.db, adminEmail);
  if (!admin) throw new Error("no admin");
  const actor = actorForUser(admin, null);
  const kept = await createKey(ctx, { actor, name: "kept", permissions: { all: true } });
  const doomed = await createKey(ctx, {
    actor,
    name: "revoked after the backup",
    permissions: { all: true },
  });
  return { accountId: account.id, actor, kept, doomed };
}

async function isRevoked(keyId: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom("api_keys")
    .select("revoked_at")
    .where("id", "=", keyId)
    .executeTakeFirst();
  if (!row) throw new Error(`no key ${keyId}`);
  return row.revoked_at !== null;
}

/** Backs up the live database the way docs/operations.md says for this backend. */
async function backUp(file: string): Promise<void> {
  if (!postgresBase) {
    const result = await runCli(target.url, ["backup", "--to", file, "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    return;
  }
  const { base, schema } = splitSchema(target.url);
  await run("pg_dump", ["--format=custom", `--schema=${schema}`, `--file=${file}`, base]);
}

/** Restores the backup over the database (Keyward stopped), as the runbook says. */
async function restore(file: string): Promise<void> {
  await database.close();
  if (!postgresBase) {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${target.url}${suffix}`, { force: true });
    writeFileSync(target.url, readFileSync(file));
  } else {
    const { base, schema } = splitSchema(target.url);
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`drop schema "${schema}" cascade`);
    await admin.end();
    await run("pg_restore", ["--dbname", base, file]);
  }
  await open();
}

function splitSchema(url: string): { base: string; schema: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? "public";
  parsed.searchParams.delete("schema");
  return { base: parsed.toString(), schema };
}

describe("backups and restores", { timeout: 300_000 }, () => {
  it("restores an older backup without bringing back a key revoked after it", async () => {
    const { accountId, actor, kept, doomed } = await seedKeys();
    const backup = join(files.path, `before-revoke-${Date.now()}.backup`);
    await backUp(backup);
    await revokeKey(ctx, { actor, keyId: doomed.key.id });
    const exportFile = join(files.path, `audit-${Date.now()}.jsonl`);
    const exported = await runCli(target.url, [
      "audit",
      "export",
      "--account",
      accountId,
      "--format",
      "jsonl",
      "--to",
      exportFile,
    ]);
    expect(exported.exitCode, exported.stderr).toBe(0);

    await restore(backup);
    // The restore alone brings the revoked key back: the reason replay exists.
    expect(await isRevoked(doomed.key.id)).toBe(false);

    const replay = await runCli(target.url, ["audit", "replay-revocations", "--from", exportFile, "--json"]);
    expect(replay.exitCode, replay.stderr).toBe(0);
    expect(jsonOutput(replay)).toMatchObject({ found: 1, revoked: [doomed.key.id], alreadyRevoked: 0 });
    expect(await isRevoked(doomed.key.id)).toBe(true);
    expect(await isRevoked(kept.key.id)).toBe(false);

    // Replaying again changes nothing.
    const again = await runCli(target.url, ["audit", "replay-revocations", "--from", exportFile, "--json"]);
    expect(jsonOutput(again)).toMatchObject({ found: 1, revoked: [], alreadyRevoked: 1 });
  });

  it("refuses an export whose event was altered, naming the line, and revokes nothing", async () => {
    const { accountId, actor, kept, doomed } = await seedKeys();
    await revokeKey(ctx, { actor, keyId: doomed.key.id });
    const exportFile = join(files.path, `tampered-${Date.now()}.jsonl`);
    await runCli(target.url, [
      "audit",
      "export",
      "--account",
      accountId,
      "--format",
      "jsonl",
      "--to",
      exportFile,
    ]);
    const lines = readFileSync(exportFile, "utf8").trim().split("\n");
    const revokedLine = lines.findIndex((line) => line.includes('"api_key.revoked"'));
    lines[revokedLine] = (lines[revokedLine] ?? "").replace(doomed.key.id, kept.key.id);
    writeFileSync(exportFile, `${lines.join("\n")}\n`);

    const replay = await runCli(target.url, ["audit", "replay-revocations", "--from", exportFile]);
    expect(replay.exitCode).toBe(1);
    expect(replay.stderr).toMatch(
      new RegExp(`--from: .*line ${revokedLine + 1}: the event does not match its hash`),
    );
    expect(await isRevoked(kept.key.id)).toBe(false);
  });

  // One test per backend would leave the other one skipped in each pass; each backend has its own answer.
  it("backs up a live SQLite database with its WAL and refuses to overwrite a file; points PostgreSQL to pg_dump", async () => {
    if (postgresBase) {
      const result = await runCli(target.url, ["backup", "--to", join(files.path, "pg.backup")]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toMatch(/KEYWARD_DATABASE: is PostgreSQL: back it up with pg_dump/);
      expect(existsSync(join(files.path, "pg.backup"))).toBe(false);
      return;
    }
    const { kept } = await seedKeys();
    // The test's own connection is open: the newest rows are still in the WAL, not the main file.
    const backup = join(files.path, `live-${Date.now()}.db`);
    const result = await runCli(target.url, ["backup", "--to", backup, "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const copy = await openDatabase(backup);
    try {
      const row = await copy.db
        .selectFrom("api_keys")
        .select("id")
        .where("id", "=", kept.key.id)
        .executeTakeFirst();
      expect(row?.id).toBe(kept.key.id);
    } finally {
      await copy.close();
    }
    const refused = await runCli(target.url, ["backup", "--to", backup]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/--to: .* already exists/);
  });
});

describe("upgrades and rollbacks (expand/contract)", { timeout: 300_000 }, () => {
  /** What the next build's migration does: an expand step, recorded as its migrator would. */
  async function migrateAsNextBuild(name: string, requiresBuildWith?: string): Promise<void> {
    await ctx.db.transaction().execute(async (trx) => {
      await sql`alter table api_keys add column ${sql.raw(`note_${name.replace(/\W/g, "_")}`)} text`.execute(
        trx,
      );
      await trx
        .insertInto("kysely_migration" as never)
        .values({ name, timestamp: new Date().toISOString() } as never)
        .execute();
      await recordRequirement(trx as never, name, requiresBuildWith);
    });
  }

  it("starts this build, with a warning, on a schema a newer build expanded; CLI commands run too", async () => {
    await migrateAsNextBuild("0099-next-build-expand");
    const { instance } = await startInstance(await freePort(), {
      KEYWARD_DATABASE: target.url,
      KEYWARD_LOG_LEVEL: "info",
      KEYWARD_DRAIN_SECONDS: "0",
    });
    try {
      expect((await fetch(`${instance.url}/readyz`)).status).toBe(200);
      const warning = logLines(instance.stdout()).find((line) =>
        line.msg.includes("migrated by a newer build"),
      );
      expect(warning).toMatchObject({ level: 40, newer: ["0099-next-build-expand"] });
    } finally {
      expect((await instance.stop()).code).toBe(0);
    }
    const listed = await runCli(target.url, ["accounts", "list", "--json"]);
    expect(listed.exitCode, listed.stderr).toBe(0);
    const migrated = await runCli(target.url, ["migrate", "--json"]);
    expect(migrated.exitCode, migrated.stderr).toBe(0);
    expect(jsonOutput(migrated)).toMatchObject({ applied: [], newer: ["0099-next-build-expand"] });
  });

  it("refuses to start on a schema a newer build contracted, in one fatal line, and changes nothing", async () => {
    await migrateAsNextBuild("0100-next-build-contract", "0099-next-build-expand");
    const result = await runCli(target.url, ["serve"], { PORT: "0", KEYWARD_LOG_LEVEL: "info" });
    expect(result.exitCode).toBe(1);
    const fatal = result.stdout
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line))
      .filter((line) => line.level >= 50);
    expect(fatal).toHaveLength(1);
    expect(fatal[0]).toMatchObject({ step: "migrations" });
    expect(fatal[0].msg).toMatch(/0100-next-build-contract requires a build with 0099-next-build-expand/);
    const command = await runCli(target.url, ["accounts", "list"]);
    expect(command.exitCode).toBe(1);
    expect(command.stderr).toMatch(/newer build this one can't run on/);
  });
});
