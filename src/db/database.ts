import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely } from "kysely";
import type { ClientConfig } from "pg";
import type { Schema } from "./schema.js";
import { ImmediateSqliteDialect } from "./sqlite-dialect.js";

export type DialectName = "sqlite" | "postgres";

/** The data-access handle every domain function takes. */
export interface Database {
  db: Kysely<Schema>;
  dialect: DialectName;
  /** A human-readable description of where data lives (no credentials). */
  location: string;
  /** PostgreSQL: the schema named by `?schema=` in the URL, if any. */
  schema?: string | undefined;
  /** PostgreSQL: where verification changes are announced to every instance (src/db/notifications). */
  notifications?: NotificationTarget;
  /**
   * True when another process has committed since the last call (SQLite: PRAGMA data_version).
   * PostgreSQL instances learn of changes through notifications instead and always answer false.
   */
  hasExternalWrites(): boolean;
  close(): Promise<void>;
}

export type Db = Kysely<Schema>;

export interface NotificationTarget {
  /** LISTEN/NOTIFY channel, one per database and schema. */
  channel: string;
  /** For the dedicated listening connection (not from the pool: it must stay checked out). */
  connection: ClientConfig;
}

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
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
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
