import { type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import * as marketplace from "../marketplace/migration.js";
import type { Database } from "./database.js";
import * as core from "./migrations/0001-core.js";

// Migrations are imported statically so they work the same from source, tests and the CLI.
const migrations: Record<string, Migration> = {
  "0001-core": core,
  "0002-marketplace": marketplace,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface MigrateResult {
  applied: string[];
}

/** Brings the schema up to date; safe to run on every start (and from several instances at once). */
export async function migrateToLatest(database: Database): Promise<MigrateResult> {
  const migrator = new Migrator({
    db: database.db,
    provider,
    ...(database.dialect === "postgres" ? { migrationTableSchema: await migrationSchema(database) } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return { applied: (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}

/**
 * Kysely looks for its migration tables in every schema unless told which one: another schema's
 * kysely_migration would make it skip creating ours. Named explicitly, it also creates the schema.
 */
async function migrationSchema(database: Database): Promise<string> {
  if (database.schema) return database.schema;
  const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(database.db);
  return rows[0]?.name ?? "public";
}
