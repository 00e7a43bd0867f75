import type { Kysely } from "kysely";
import type { ClientConfig } from "pg";
import type { KeyLookup } from "./key-lookup.js";
import type { Schema } from "./schema.js";

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
   * True when another process has committed since the last call (SQLite: see `watchExternalWrites`;
   * asked at most once per event-loop turn, later calls in the same turn answer false).
   * PostgreSQL instances learn of changes through notifications instead and always answer false.
   */
  hasExternalWrites(): boolean;
  /** Told of every query's outcome (src/ops/database-health.ts counts and logs outages). */
  queries: QueryObserver;
  /** SQLite: a consistent copy of the live database through SQLite's online backup API. */
  backupTo?(file: string): Promise<void>;
  /** PostgreSQL: the pool's connections right now, for /metrics. */
  pool?: PoolUsage;
  /** The one query of a verification cache miss, prepared once (src/db/key-lookup.ts). */
  findKeyByHash: KeyLookup;
  close(): Promise<void>;
}

export interface QueryObserver {
  succeeded?: () => void;
  failed?: (error: unknown) => void;
}

export interface PoolUsage {
  readonly max: number;
  total(): number;
  idle(): number;
  waiting(): number;
  /** Checkouts refused after KEYWARD_DATABASE_ACQUIRE_TIMEOUT_SECONDS with every connection busy. */
  acquireTimeouts(): number;
}

/** How a PostgreSQL pool is sized and bounded (KEYWARD_DATABASE_POOL_SIZE and the timeouts). */
export interface PoolOptions {
  size: number;
  /** Opening a new connection gives up after this long. */
  connectTimeoutMs: number;
  /** With every connection busy, a query waits this long for one, then fails (503). */
  acquireTimeoutMs: number;
  statementTimeoutMs: number;
}

export type Db = Kysely<Schema>;

export interface NotificationTarget {
  /** LISTEN/NOTIFY channel, one per database and schema. */
  channel: string;
  /** For the dedicated listening connection (not from the pool: it must stay checked out). */
  connection: ClientConfig;
}
