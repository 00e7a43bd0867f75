import { type Kysely, sql } from "kysely";
import type { Database } from "./database.js";

// Written by every migration from this build on: what a build must know to run on a schema with it.
const requirementsTable = "keyward_migration_requirements";

export interface SchemaState {
  /** Migrations applied to the database, in order. */
  executed: string[];
  /** This build's migrations not applied yet. */
  pending: string[];
  /** Applied migrations this build doesn't know: a newer build ran them. */
  newer: string[];
  /** For the newer migrations, the migration a build must know to run on them (contract steps only). */
  requirements: Array<{ migration: string; requires: string }>;
}

/** Compares the database's applied migrations with `known` (this build's, in order). */
export async function readSchemaState(database: Database, known: string[]): Promise<SchemaState> {
  const prefix = database.dialect === "postgres" ? `${await migrationSchema(database)}.` : "";
  const executed = await namesIn(database, `${prefix}kysely_migration`, "name");
  const newer = executed.filter((name) => !known.includes(name));
  const pending = known.filter((name) => !executed.includes(name));
  let requirements: SchemaState["requirements"] = [];
  if (newer.length > 0) {
    const rows = await sql<{ migration: string; requires: string | null }>`
      select migration, requires from ${sql.raw(`${prefix}${requirementsTable}`)}`
      .execute(database.db)
      .then((result) => result.rows)
      .catch(() => []);
    requirements = rows
      .filter((row) => newer.includes(row.migration) && row.requires !== null)
      .map((row) => ({ migration: row.migration, requires: String(row.requires) }));
  }
  return { executed, pending, newer, requirements };
}

/** Inside a migration's transaction: records what it requires of a build (null for an expand step). */
export async function recordRequirement(
  db: Kysely<unknown>,
  migration: string,
  requires: string | undefined,
) {
  await sql`create table if not exists ${sql.raw(requirementsTable)} (migration text primary key, requires text)`.execute(
    db,
  );
  await sql`insert into ${sql.raw(requirementsTable)} (migration, requires) values (${migration}, ${requires ?? null})`.execute(
    db,
  );
}

async function namesIn(database: Database, table: string, column: string): Promise<string[]> {
  try {
    const { rows } = await sql<{
      name: string;
    }>`select ${sql.raw(column)} as name from ${sql.raw(table)} order by name`.execute(database.db);
    return rows.map((row) => row.name);
  } catch (error) {
    // No migration table yet: a new database.
    if (isMissingTable(error)) return [];
    throw error;
  }
}

function isMissingTable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === "42P01" || (typeof message === "string" && /no such table/i.test(message));
}

/**
 * Kysely looks for its migration tables in every schema unless told which one: another schema's
 * kysely_migration would make it skip creating ours. Named explicitly, it also creates the schema.
 */
export async function migrationSchema(database: Database): Promise<string> {
  if (database.schema) return database.schema;
  const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(database.db);
  return rows[0]?.name ?? "public";
}
