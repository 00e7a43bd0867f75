import { createHash } from "node:crypto";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { ConfigError } from "../config.js";
import type { Database, NotificationTarget, PoolOptions, QueryObserver } from "./database.js";
import { postgresKeyLookup } from "./key-lookup.js";
import { boundedAcquire } from "./pool-acquire.js";
import type { Schema } from "./schema.js";

// Lower-case only: an unquoted name in search_path is folded to lower case by PostgreSQL, and the
// migrator quotes it, so a mixed-case name would name two different schemas.
const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;
const maxIdentifierLength = 63;

/**
 * Opens a PostgreSQL pool. `?schema=name` in the URL selects the schema every query and migration
 * uses (tests and shared databases); notifications are scoped to it too.
 */
export function openPostgres(url: string, options: PoolOptions): Database {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  if (schema !== undefined && !schemaName.test(schema)) {
    throw new ConfigError(
      `KEYWARD_DATABASE: ?schema= must be a lower-case PostgreSQL name (a-z, 0-9, _), not "${schema}".`,
    );
  }
  const connectionString = parsed.toString();
  const pool = new pg.Pool({
    connectionString,
    max: options.size,
    // A PostgreSQL that accepts but never answers fails the query (503) in bounded time instead of
    // hanging it. Waiting for a busy pool is bounded separately, and shorter (boundedAcquire).
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    // The server-side timeout can't fire when the server is gone: the client gives up a second later.
    query_timeout: options.statementTimeoutMs + 1_000,
    keepAlive: true,
    application_name: "keyward",
    types: { getTypeParser: parseLikeSqlite },
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client losing its connection (a restart, a terminated backend) must not crash the process;
  // the pool replaces it on the next checkout.
  pool.on("error", () => {});
  // The same for a client checked out mid-query: its query fails (-> 503), the process lives on.
  pool.on("connect", (client) => {
    client.on("error", () => {});
  });
  const acquirer = boundedAcquire(pool, options.size, options.acquireTimeoutMs);
  const queries: QueryObserver = {};
  const dialect = new PostgresDialect({ pool: { connect: () => acquirer.connect(), end: () => pool.end() } });
  const db = new Kysely<Schema>({ dialect, log: observe(queries) });
  return {
    db,
    dialect: "postgres",
    schema,
    location: `postgres://${parsed.host}${parsed.pathname}${schema ? ` (schema ${schema})` : ""}`,
    notifications: notificationTarget(connectionString, schema, options.connectTimeoutMs),
    hasExternalWrites: () => false,
    queries,
    pool: {
      max: options.size,
      total: () => pool.totalCount,
      idle: () => pool.idleCount,
      waiting: () => pool.waitingCount,
      acquireTimeouts: () => acquirer.timeouts,
    },
    findKeyByHash: postgresKeyLookup(acquirer),
    close: () => db.destroy(),
  };
}

/** The dedicated listener's connection and a channel of its own per schema (NOTIFY is per database). */
function notificationTarget(
  connectionString: string,
  schema: string | undefined,
  connectTimeoutMs: number,
): NotificationTarget {
  let channel = schema ? `keyward_changes_${schema}` : "keyward_changes";
  if (channel.length > maxIdentifierLength) {
    channel = `keyward_changes_${createHash("sha256").update(channel).digest("hex").slice(0, 40)}`;
  }
  return {
    channel,
    connection: {
      connectionString,
      application_name: "keyward-listener",
      keepAlive: true,
      connectionTimeoutMillis: connectTimeoutMs,
    },
  };
}

// count() and sum() come back as int8/numeric, which pg returns as strings; SQLite returns numbers.
// Parsing them here keeps the dialect difference inside src/db.
function parseLikeSqlite(oid: number, format?: "text" | "binary") {
  if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return Number;
  return format === "binary" ? pg.types.getTypeParser(oid, "binary") : pg.types.getTypeParser(oid, "text");
}

/** Kysely's query log as success/failure signals for whoever watches the database's health. */
export function observe(queries: QueryObserver) {
  return (event: { level: "query" | "error"; error?: unknown }) => {
    if (event.level === "error") queries.failed?.(event.error);
    else queries.succeeded?.();
  };
}
