import { closeSync, mkdirSync, openSync, readSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely } from "kysely";
import type { Database, QueryObserver } from "./database.js";
import { sqliteKeyLookup } from "./key-lookup.js";
import type { Schema } from "./schema.js";
import { ImmediateSqliteDialect } from "./sqlite-dialect.js";

/** Opens (creating if needed) the embedded SQLite database at `path`, in WAL mode. */
export function openSqlite(path: string): Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma("journal_mode = WAL");
  // FULL: an acknowledged revocation is on disk before the response leaves.
  sqlite.pragma("synchronous = FULL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  // 64 MiB of page cache, filled as pages are read (default 2 MiB): cache-miss lookups and the usage
  // writes between them evicted each other's pages (ARCHITECTURE.md, "The cold path").
  sqlite.pragma("cache_size = -65536");
  const queries: QueryObserver = {};
  const db = new Kysely<Schema>({
    dialect: new ImmediateSqliteDialect({ database: sqlite }),
    log: (event) => (event.level === "error" ? queries.failed?.(event.error) : queries.succeeded?.()),
  });
  const external = watchExternalWrites(sqlite, path);
  return {
    db,
    dialect: "sqlite",
    location: path,
    hasExternalWrites: external.check,
    queries,
    backupTo: async (file) => {
      await sqlite.backup(file);
    },
    findKeyByHash: sqliteKeyLookup(sqlite),
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
 * by the requests that follow it. ARCHITECTURE.md, "Changes made by another process", has the figures
 * and the argument; in short:
 * - `PRAGMA data_version` answers exactly but opens a read transaction (two `fcntl` locks, ~5 µs under
 *   load). Every commit rewrites the WAL-index header, the first 48 bytes of the `-shm` file, so those
 *   are read first (one `pread`, no lock) and `data_version` is asked only when they changed.
 * - Asked once per event-loop turn; later checks in the same turn answer false (the caller acted on the
 *   first). Requests reach the verifier only from socket reads in the turn's poll phase, which began
 *   before the question, so a request sent after the commit is read — and checked — in a later turn.
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
  const versionChanged = () => {
    const version = dataVersion.get();
    if (version === lastVersion) return false;
    lastVersion = version;
    return true;
  };
  const header = Buffer.alloc(walIndexHeaderBytes);
  const headerChanged = (fd: number) => {
    let read = 0;
    try {
      read = readSync(fd, header, 0, walIndexHeaderBytes, 0);
    } catch {
      // Unreadable (a platform that locks the bytes): the exact question answers instead.
    }
    if (read === walIndexHeaderBytes && header.equals(seen)) return false;
    header.copy(seen);
    return true;
  };
  let checkedThisTurn = false;
  const endTurn = () => {
    checkedThisTurn = false;
  };
  return {
    check() {
      if (checkedThisTurn) return false;
      checkedThisTurn = true;
      setImmediate(endTurn);
      if (shm !== undefined && !headerChanged(shm)) return false;
      return versionChanged();
    },
    close: () => {
      if (shm !== undefined) closeSync(shm);
    },
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
