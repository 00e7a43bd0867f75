// Errors that mean "the database can't take this right now" rather than "Keyward has a bug":
// they become 503 service_unavailable, with nothing half-written (each change is one transaction).
const sqliteUnavailable = /^SQLITE_(FULL|READONLY|IOERR|BUSY|LOCKED|CANTOPEN|PROTOCOL|NOLFS)/;
const postgresUnavailable = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53100", // disk_full
  "53200", // out_of_memory
  "53300", // too_many_connections
  "25006", // read_only_sql_transaction
  "57014", // query_canceled: KEYWARD_DATABASE_STATEMENT_TIMEOUT_SECONDS ran out
]);

/** True when the error comes from the database being unreachable, full or read-only. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") {
    if (sqliteUnavailable.test(code) || postgresUnavailable.has(code) || code.startsWith("08")) return true;
  }
  const message = (error as { message?: unknown }).message;
  return (
    typeof message === "string" &&
    /Connection terminated|not queryable|timeout exceeded when trying to connect|Query read timeout/i.test(
      message,
    )
  );
}

/** True when a write broke a unique index (two requests racing to create the same thing). */
export function isUniqueViolation(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505";
}

/** True when every pool connection stayed busy for KEYWARD_DATABASE_ACQUIRE_TIMEOUT_SECONDS. */
export function isPoolExhausted(error: unknown): boolean {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { code?: unknown }).code === "KEYWARD_POOL_EXHAUSTED"
  );
}
