import { closeSync, mkdirSync, openSync, readSync } from "node:fs";
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
   * True when another process has committed since the last call (SQLite: see `watchExternalWrites`).
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
  const external = watchExternalWrites(sqlite, path);
  return {
    db,
    dialect: "sqlite",
    location: path,
    hasExternalWrites: external.check,
    close: async () => {
      external.close();
      await db.destroy();
    },
  };
}

/** Bytes 0–47 of the `-shm` file: the first copy of the WAL-index header (sqlite.org/walformat.html). */
const walIndexHeaderBytes = 48;

/**
 * Tells whether another connection (the CLI) committed since the last check, so a CLI revoke is seen
 * by the very next request. `PRAGMA data_version` answers exactly but opens a read transaction (two
 * `fcntl` locks, ~5 µs under load: most of a cached verification). Every commit rewrites the WAL-index
 * header in the `-shm` file, so the check first reads those 48 bytes (one `pread`, no lock) and asks
 * `data_version` only when they changed — after some connection's commit, this one's included.
 */
function watchExternalWrites(
  sqlite: SqliteDatabase.Database,
  path: string,
): { check(): boolean; close(): void } {
  const dataVersion = sqlite.prepare("PRAGMA data_version").pluck();
  dataVersion.get(); // a first read creates the -shm file of a new database
  const shm = openWalIndex(sqlite, path);
  const seen = Buffer.alloc(walIndexHeaderBytes);
  // The header first, then the version: a commit in between is then seen as a change, never missed.
  if (shm !== undefined) readSync(shm, seen, 0, walIndexHeaderBytes, 0);
  let lastVersion = dataVersion.get();
  const ask = () => {
    const version = dataVersion.get();
    if (version === lastVersion) return false;
    lastVersion = version;
    return true;
  };
  if (shm === undefined) return { check: ask, close() {} };
  const fd = shm;
  const header = Buffer.alloc(walIndexHeaderBytes);
  return {
    check() {
      let read = 0;
      try {
        read = readSync(fd, header, 0, walIndexHeaderBytes, 0);
      } catch {
        // Unreadable (a platform that locks the bytes): the exact question answers instead.
      }
      if (read === walIndexHeaderBytes && header.equals(seen)) return false;
      header.copy(seen);
      return ask();
    },
    close: () => closeSync(fd),
  };
}

/** The `-shm` file, read-only; undefined when the database is not in WAL mode on disk. */
function openWalIndex(sqlite: SqliteDatabase.Database, path: string): number | undefined {
  if (path === ":memory:" || sqlite.pragma("journal_mode", { simple: true }) !== "wal") return undefined;
  try {
    return openSync(`${path}-shm`, "r");
  } catch {
    return undefined;
  }
}
