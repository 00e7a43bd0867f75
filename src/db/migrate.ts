import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import * as marketplace from "../marketplace/migration.js";
import type { Database } from "./database.js";
import * as core from "./migrations/0001-core.js";
import * as auditChain from "./migrations/0003-audit-chain.js";
import * as usersPerAccount from "./migrations/0004-users-per-account.js";
import * as keyHygiene from "./migrations/0005-key-hygiene.js";
import * as usage from "./migrations/0006-usage.js";
import * as apiContract from "./migrations/0007-api-contract.js";
import {
  migrationSchema,
  readSchemaState,
  recordRequirement,
  type SchemaState,
} from "./schema-compatibility.js";

/**
 * A migration, and for a "contract" step (one that removes or renames what older builds use) the
 * oldest migration a build must know to run on a schema that has it. Expand steps leave it out: every
 * build that knows the migrations before them still runs (ARCHITECTURE.md, "Writing a migration").
 */
export interface KeywardMigration extends Migration {
  requiresBuildWith?: string;
}

import * as leaks from "./migrations/0008-leaks.js";
import * as serviceTokens from "./migrations/0009-service-tokens.js";

// Migrations are imported statically so they work the same from source, tests and the CLI.
const migrations: Record<string, KeywardMigration> = {
  "0001-core": core,
  "0002-marketplace": marketplace,
  "0003-audit-chain": auditChain,
  "0004-users-per-account": usersPerAccount,
  "0005-key-hygiene": keyHygiene,
  "0006-usage": usage,
  "0007-api-contract": apiContract,
  "0008-leaks": leaks,
  "0009-service-tokens": serviceTokens,
};

/** Each migration also records what it requires of a build, in the same transaction. */
const provider: MigrationProvider = {
  getMigrations: async () =>
    Object.fromEntries(
      Object.entries(migrations).map(([name, migration]) => [
        name,
        {
          up: async (db: Kysely<unknown>) => {
            await migration.up(db);
            await recordRequirement(db, name, migration.requiresBuildWith);
          },
        },
      ]),
    ),
};

export interface MigrateResult {
  applied: string[];
  /** Migrations of a newer build already applied, each compatible with this build. */
  newer: string[];
}

export interface MigrationLog {
  warn(details: object, message: string): void;
}

/**
 * Brings the schema up to date; safe to run on every start (and from several instances at once). A
 * schema already migrated by a newer build is accepted with a warning when every newer migration is
 * compatible with this build (an expand step), and refused with SchemaIncompatibleError otherwise.
 */
export async function migrateToLatest(database: Database, log?: MigrationLog): Promise<MigrateResult> {
  const state = await readSchemaState(database, Object.keys(migrations));
  if (state.newer.length > 0) {
    assertCompatible(state);
    log?.warn(
      { newer: state.newer },
      "the database was migrated by a newer build; this build runs on it (every newer migration is compatible)",
    );
    return { applied: [], newer: state.newer };
  }
  const migrator = new Migrator({
    db: database.db,
    provider,
    ...(database.dialect === "postgres" ? { migrationTableSchema: await migrationSchema(database) } : {}),
  });
  const { error, results } = await withoutWaitingForTheDisk(database, () => migrator.migrateToLatest());
  if (error) throw error;
  const applied = (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
  return { applied, newer: [] };
}

/**
 * SQLite runs each migration statement as its own transaction (Kysely: SQLite migrations are not
 * transactional), and with synchronous=FULL each one waited for the disk: about a hundred flushes,
 * most of a fresh database's migration time. A migration cut short leaves the same state either way —
 * the statements before the cut — so they wait for nothing until the last one; the first write after
 * (with FULL back on) flushes them all.
 */
async function withoutWaitingForTheDisk<T>(database: Database, migrate: () => Promise<T>): Promise<T> {
  if (database.dialect !== "sqlite") return migrate();
  await sql`pragma synchronous = NORMAL`.execute(database.db);
  try {
    return await migrate();
  } finally {
    await sql`pragma synchronous = FULL`.execute(database.db);
  }
}

/**
 * For commands other than `migrate` and `serve`, which never change the schema: fails unless the
 * schema is this build's, or a newer compatible one.
 */
export async function assertSchemaReady(database: Database): Promise<SchemaState> {
  const state = await readSchemaState(database, Object.keys(migrations));
  if (state.pending.length > 0 && state.newer.length === 0) {
    throw new SchemaIncompatibleError(
      state.executed.length === 0
        ? "KEYWARD_DATABASE has no Keyward schema yet: run `keyward migrate` (or start `keyward serve`) first."
        : `the database schema is older than this build (missing ${state.pending.join(", ")}): run \`keyward migrate\` first.`,
    );
  }
  assertCompatible(state);
  return state;
}

function assertCompatible(state: SchemaState): void {
  if (state.pending.length > 0) {
    throw new SchemaIncompatibleError(
      `the database has migrations of a newer build (${state.newer.join(", ")}) but not this build's ${state.pending.join(", ")}; run a build that knows every migration.`,
    );
  }
  const unmet = state.requirements.filter((r) => !(r.requires in migrations));
  if (unmet.length > 0) {
    const names = unmet.map((r) => `${r.migration} requires a build with ${r.requires}`).join("; ");
    throw new SchemaIncompatibleError(
      `the database was migrated by a newer build this one can't run on (${names}). Run the newer build, or restore a backup taken before the upgrade.`,
    );
  }
}

export class SchemaIncompatibleError extends Error {
  override name = "SchemaIncompatibleError";
}
