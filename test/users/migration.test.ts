import { Migrator, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import * as core from "../../src/db/migrations/0001-core.js";
import { openDatabase } from "../../src/db/open-database.js";
import * as marketplace from "../../src/marketplace/migration.js";
import { findSessionActor, hashSessionToken } from "../../src/sessions/sessions.js";
import { createTestDatabaseUrl } from "../support/test-database.js";

// A database made by the release before emails became unique per account, with users and open
// sessions in it, brought up to date: nothing is lost and the new rules hold.
let database: Database;
let drop: () => Promise<void>;
const now = new Date().toISOString();
const policy = { idleMs: 3_600_000, maxMs: 3_600_000 };

beforeAll(async () => {
  const created = await createTestDatabaseUrl();
  drop = created.drop;
  database = await openDatabase(created.url);
  const schema =
    database.dialect === "postgres"
      ? { migrationTableSchema: database.schema ?? (await currentSchema()) }
      : {};
  const before = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => ({ "0001-core": core, "0002-marketplace": marketplace }) },
    ...schema,
  });
  const { error } = await before.migrateToLatest();
  if (error) throw error;
  await sql`insert into accounts (id, name, demo_seed, created_at) values
    ('acc_A', 'Old A', 1, ${now}), ('acc_B', 'Old B', 2, ${now})`.execute(database.db);
  await sql`insert into users (id, account_id, email, name, role, password_hash, api_access_granted_at, deactivated_at, created_at) values
    ('usr_1', 'acc_A', 'ana@old.test', 'Ana', 'administrator', 'hash-1', ${now}, null, ${now}),
    ('usr_2', 'acc_A', 'max@old.test', 'Max', 'marketplace_manager', 'hash-2', null, ${now}, ${now}),
    ('usr_3', 'acc_B', 'bea@old.test', 'Bea', 'administrator', 'hash-3', ${now}, null, ${now})`.execute(
    database.db,
  );
  await sql`insert into sessions (id_hash, user_id, account_id, created_at, last_seen_at, ip) values
    (${hashSessionToken("token-1")}, 'usr_1', 'acc_A', ${now}, ${now}, '10.0.0.1'),
    (${hashSessionToken("token-3")}, 'usr_3', 'acc_B', ${now}, ${now}, null)`.execute(database.db);
});
afterAll(async () => {
  await database.close();
  await drop();
});

async function currentSchema(): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(database.db);
  return rows[0]?.name ?? "public";
}

function pick(row: object, keys: string[]): object {
  return Object.fromEntries(Object.entries(row).filter(([key]) => keys.includes(key)));
}

const usersInOrder = () => database.db.selectFrom("users").selectAll().orderBy("id").execute();

describe("Bringing an existing database up to date", () => {
  let usersBefore: Awaited<ReturnType<typeof usersInOrder>>;

  it("applies the migration and keeps every user exactly as it was", async () => {
    usersBefore = await usersInOrder();
    const { applied } = await migrateToLatest(database);
    expect(applied).toContain("0004-users-per-account");
    // Later migrations may add columns; every column there was keeps its value.
    const after = await usersInOrder();
    expect(after.map((row) => pick(row, Object.keys(usersBefore[0] ?? {})))).toEqual(usersBefore);
  });

  it("gives every open session its own public id, and the sessions keep working", async () => {
    const rows = await database.db
      .selectFrom("sessions")
      .select(["public_id", "user_id"])
      .orderBy("user_id")
      .execute();
    expect(rows.map((row) => row.user_id)).toEqual(["usr_1", "usr_3"]);
    for (const row of rows) expect(row.public_id).toMatch(/^ses_[0-9A-Z]{26}$/);
    expect(new Set(rows.map((row) => row.public_id)).size).toBe(2);
    const actor = await findSessionActor(database.db, {
      token: "token-1",
      ip: null,
      policy,
      isActivity: true,
    });
    expect(actor).toMatchObject({ type: "user", userId: "usr_1", accountId: "acc_A" });
  });

  it("lets another account have a user with an email already in use", async () => {
    await sql`insert into users (id, account_id, email, name, role, password_hash, created_at)
      values ('usr_4', 'acc_B', 'ana@old.test', 'Ana too', 'administrator', 'hash-4', ${now})`.execute(
      database.db,
    );
    const rows = await database.db
      .selectFrom("users")
      .select("account_id")
      .where("email", "=", "ana@old.test")
      .execute();
    expect(rows.map((row) => row.account_id).sort()).toEqual(["acc_A", "acc_B"]);
  });

  it("still refuses a second user with the same email in one account", async () => {
    const insert = sql`insert into users (id, account_id, email, name, role, password_hash, created_at)
      values ('usr_5', 'acc_A', 'max@old.test', 'Max again', 'administrator', 'hash-5', ${now})`.execute(
      database.db,
    );
    await expect(insert).rejects.toThrow(/unique|duplicate/i);
  });

  it("keeps the users table's other rules: foreign keys, the role check, the account index", async () => {
    await expect(
      sql`insert into users (id, account_id, email, name, role, password_hash, created_at)
        values ('usr_6', 'acc_nowhere', 'x@old.test', 'X', 'administrator', 'h', ${now})`.execute(
        database.db,
      ),
    ).rejects.toThrow(/foreign key/i);
    await expect(
      sql`insert into users (id, account_id, email, name, role, password_hash, created_at)
        values ('usr_7', 'acc_A', 'y@old.test', 'Y', 'owner', 'h', ${now})`.execute(database.db),
    ).rejects.toThrow(/check/i);
    await expect(
      sql`insert into sessions (id_hash, public_id, user_id, account_id, created_at, last_seen_at)
        values ('h', 'ses_x', 'usr_nowhere', 'acc_A', ${now}, ${now})`.execute(database.db),
    ).rejects.toThrow(/foreign key/i);
    const indexes =
      database.dialect === "postgres"
        ? await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where tablename = 'users'`.execute(database.db)
        : await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and tbl_name = 'users'`.execute(database.db);
    expect(indexes.rows.map((row) => row.name)).toEqual(
      expect.arrayContaining(["users_account_idx", "users_account_email_idx", "users_email_idx"]),
    );
  });

  it("is applied once: running the migrations again changes nothing", async () => {
    expect((await migrateToLatest(database)).applied).toEqual([]);
  });
});
