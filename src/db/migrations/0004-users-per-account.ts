import { type Kysely, sql } from "kysely";
import { newId } from "../../shared/ids.js";

/**
 * Emails become unique per account instead of across Keyward (ARCHITECTURE.md, "One email, several
 * accounts"), and every session gets a public id so its user can see and end it without its token.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (isPostgres(db)) {
    // 0001 declared the column UNIQUE; PostgreSQL named that constraint users_email_key.
    await sql`alter table users drop constraint if exists users_email_key`.execute(db);
  } else {
    await dropSqliteEmailUniqueness(db);
  }
  await db.schema
    .createIndex("users_account_email_idx")
    .on("users")
    .columns(["account_id", "email"])
    .unique()
    .execute();
  await db.schema.createIndex("users_email_idx").on("users").column("email").execute();

  await db.schema.alterTable("sessions").addColumn("public_id", "text").execute();
  const sessions = await sql<{ id_hash: string }>`select id_hash from sessions`.execute(db);
  for (const { id_hash } of sessions.rows) {
    await sql`update sessions set public_id = ${newId("ses")} where id_hash = ${id_hash}`.execute(db);
  }
  await db.schema.createIndex("sessions_public_id_idx").on("sessions").column("public_id").unique().execute();
}

/** Migrations get a bare Kysely; its compiler tells the dialects apart ($1 placeholders are PostgreSQL's). */
function isPostgres(db: Kysely<unknown>): boolean {
  return sql`select ${1}`.compile(db).sql.includes("$1");
}

/**
 * SQLite can't drop a column constraint: the table is rebuilt from its own definition minus UNIQUE on
 * email (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"), so columns,
 * indexes and triggers added by other migrations survive. Foreign keys are off while the old table is
 * dropped; SQLite migrations run outside a transaction (Kysely), so the pragma takes effect here.
 */
async function dropSqliteEmailUniqueness(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ type: string; sql: string }>`
    select type, sql from sqlite_master where tbl_name = 'users' and sql is not null`.execute(db);
  const table = rows.find((row) => row.type === "table")?.sql ?? "";
  const withoutUnique = table.replace(/("email" text not null) unique/i, "$1");
  if (withoutUnique === table) throw new Error("users.email: expected a UNIQUE column to relax.");
  // Dropping the table drops its indexes and triggers too: they are made again on the new one.
  const dependents = rows.filter((row) => row.type !== "table").map((row) => row.sql);
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await db.transaction().execute(async (trx) => {
      await sql
        .raw(withoutUnique.replace(/^create table "?users"?/i, 'create table "users_new"'))
        .execute(trx);
      await sql`insert into users_new select * from users`.execute(trx);
      await sql`drop table users`.execute(trx);
      await sql`alter table users_new rename to users`.execute(trx);
      for (const dependent of dependents) await sql.raw(dependent).execute(trx);
      const broken = await sql`pragma foreign_key_check`.execute(trx);
      if (broken.rows.length > 0) throw new Error("users: rebuilding the table broke a foreign key.");
    });
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
