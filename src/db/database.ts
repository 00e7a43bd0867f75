import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import type { Schema } from "./schema.js";

export type DialectName = "sqlite" | "postgres";

/** The data-access handle every domain function takes. */
export interface Database {
  db: Kysely<Schema>;
  dialect: DialectName;
  /** A human-readable description of where data lives (no credentials). */
  location: string;
  /**
   * True when another process has committed since the last call (SQLite: PRAGMA data_version).
   * PostgreSQL instances learn of changes through notifications instead and always answer false.
   */
  hasExternalWrites(): boolean;
  close(): Promise<void>;
}

export type Db = Kysely<Schema>;

/** Opens the database named by a path (embedded SQLite) or a postgres:// URL. */
export async function openDatabase(url: string): Promise<Database> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    const { openPostgres } = await import("./postgres.js");
    return openPostgres(url);
  }
  return openSqlite(url);
}

function openSqlite(path: string): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma("journal_mode = WAL");
  // FULL: an acknowledged revocation is on disk before the response leaves.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  const dataVersion = sqlite.prepare("PRAGMA data_version").pluck();
  let lastVersion = dataVersion.get();
  return {
    db,
    dialect: "sqlite",
    location: path,
    hasExternalWrites() {
      const version = dataVersion.get();
      if (version === lastVersion) return false;
      lastVersion = version;
      return true;
    },
    close: () => db.destroy(),
  };
}
