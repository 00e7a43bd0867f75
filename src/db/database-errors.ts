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
    /Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(message)
  );
}
