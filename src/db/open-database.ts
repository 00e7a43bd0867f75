import type { Database, PoolOptions } from "./database.js";
import { openSqlite } from "./sqlite.js";

export const defaultPoolOptions: PoolOptions = {
  size: 10,
  connectTimeoutMs: 5_000,
  acquireTimeoutMs: 1_000,
  statementTimeoutMs: 10_000,
};

/** Opens the database named by a path (embedded SQLite) or a postgres:// URL. */
export async function openDatabase(url: string, pool: PoolOptions = defaultPoolOptions): Promise<Database> {
  if (/^postgres(ql)?:\/\//.test(url)) {
    // Loaded only when used: an embedded deployment never loads pg.
    const { openPostgres } = await import("./postgres.js");
    return openPostgres(url, pool);
  }
  return openSqlite(url);
}
