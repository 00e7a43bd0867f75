import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from "kysely";
import type { Database } from "./database.js";
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

// Loaded when they run: every other command checks the schema by the migrations' names alone, and
// needn't load (and compile) their code at each start.
const migrations: Record<string, () => Promise<KeywardMigration>> = {
  "0001-core": () => import("./migrations/0001-core.js"),
  "0002-marketplace": () => import("../marketplace/migration.js"),
  "0003-audit-chain": () => import("./migrations/0003-audit-chain.js"),
  "0004-users-per-account": () => import("./migrations/0004-users-per-account.js"),
  "0005-key-hygiene": () => import("./migrations/0005-key-hygiene.js"),
  "0006-usage": () => import("./migrations/0006-usage.js"),
  "0007-api-contract": () => import("./migrations/0007-api-contract.js"),
  "0008-leaks": () => import("./migrations/0008-leaks.js"),
  "0009-service-tokens": () => import("./migrations/0009-service-tokens.js"),
};

/** Each migration also records what it requires of a build, in the same transaction. */
const provider: MigrationProvider = {
  getMigrations: async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(migrations).map(async ([name, load]) => {
          const migration = await load();
          const up = async (db: Kysely<unknown>) => {
            await migration.up(db);
            await recordRequirement(db, name, migration.requiresBuildWith);
          };
          return [name, { up }] as const;
        }),
      ),
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
