import { type Kysely, PostgresAdapter, type SelectQueryBuilder, sql } from "kysely";

/*
 * Locks for check-then-write transactions ("is this the last Administrator?", "is this key revoked?",
 * "what is the last audit event?"), so two instances can't both pass a check that only one may pass.
 *
 * PostgreSQL runs READ COMMITTED: without a lock, two transactions read the same state, both pass, both
 * write. Each statement after a lock sees what the lock's previous holder committed, so a check made
 * after the lock is made on the latest state.
 *
 * SQLite needs nothing more: every write transaction begins IMMEDIATE (src/db/sqlite-dialect.ts), which
 * takes the database's one write lock before the transaction's first read, so writers — other
 * processes included — run one after another and no check can go stale before its write.
 */

/** What these helpers need of a Kysely handle, whatever its tables. */
type Handle = Pick<Kysely<unknown>, "isTransaction" | "getExecutor">;

/** True for a PostgreSQL handle (a transaction included), false for SQLite. */
export function isPostgres(db: Handle): boolean {
  // getExecutor() is marked internal in Kysely's docs but public in its types; it is the one place the
  // dialect of a transaction handle can be read.
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

function requireTransaction(db: Handle, what: string): void {
  if (!db.isTransaction) throw new Error(`${what} only means something inside a transaction`);
}

/**
 * Runs `query` and locks the rows it returns until the transaction ends (PostgreSQL: `FOR NO KEY
 * UPDATE`, which excludes every other locker and writer of these rows but, unlike `FOR UPDATE`, not an
 * insert elsewhere whose foreign key merely points at them). Order the query (e.g. by id) when it can
 * return several rows, so every transaction takes them in the same order and none deadlocks.
 */
export async function lockRowsForUpdate<DB, TB extends keyof DB, O>(
  trx: Handle,
  query: SelectQueryBuilder<DB, TB, O>,
): Promise<O[]> {
  requireTransaction(trx, "lockRowsForUpdate");
  return (isPostgres(trx) ? query.forNoKeyUpdate() : query).execute();
}

/**
 * Takes a lock on a name rather than on rows (PostgreSQL: a transaction-level advisory lock on
 * `scope` and `key`, released at commit or rollback), for things that have no row to lock yet, such
 * as the next position in an account's audit chain.
 */
export async function lockNameForTransaction(trx: Handle, scope: string, key: string): Promise<void> {
  requireTransaction(trx, "lockNameForTransaction");
  if (!isPostgres(trx)) return;
  await sql`select pg_advisory_xact_lock(hashtext(${scope}), hashtext(${key}))`.execute(
    trx as Kysely<unknown>,
  );
}
