import type SqliteDatabase from "better-sqlite3";
import type { PoolAcquirer } from "./pool-acquire.js";

/** What verification reads about a key hash: the key (by its current or rolled secret) and its owner. */
export interface KeyHashRow {
  id: string;
  account_id: string;
  owner_user_id: string;
  name: string;
  permissions: string;
  revoked_at: string | null;
  key_hash: string;
  expires_at: string | null;
  allowed_ips: string | null;
  previous_key_valid_until: string | null;
  rolled_at: string | null;
  rate_limit: string | null;
  /** 1 for a canary key (src/leaks): answered as unknown, and raises an alert. */
  is_canary: number;
  hint: string;
  role: "administrator" | "marketplace_manager";
  api_access_granted_at: string | null;
  deactivated_at: string | null;
  permission_ceiling: string | null;
}

/** The one query of a verification cache miss. */
export type KeyLookup = (hash: string) => Promise<KeyHashRow | undefined>;

const columns = `k.id, k.account_id, k.owner_user_id, k.name, k.permissions, k.revoked_at, k.key_hash,
  k.expires_at, k.allowed_ips, k.previous_key_valid_until, k.rolled_at, k.rate_limit, k.is_canary, k.hint,
  u.role, u.api_access_granted_at, u.deactivated_at, u.permission_ceiling`;

// The current secret first; a rolled one (rare) only when no current secret matches. Two plain
// equality lookups, each on its own unique index, instead of one OR the planner has to merge.
const byCurrent = `select ${columns} from api_keys k join users u on u.id = k.owner_user_id where k.key_hash = $1`;
const byPrevious = `select ${columns} from api_keys k join users u on u.id = k.owner_user_id where k.previous_key_hash = $1`;

/**
 * SQLite: two statements prepared once. Cache misses are the path an attacker (or a million keys
 * drawn at random) drives; through the query builder each one compiled and ran the SQL anew, which cost
 * more than the lookup itself (ARCHITECTURE.md, "The cold path").
 */
export function sqliteKeyLookup(sqlite: SqliteDatabase.Database): KeyLookup {
  type Statement = SqliteDatabase.Statement<[string], KeyHashRow>;
  // Prepared on first use: the database is opened before it is migrated.
  let current: Statement | undefined;
  let previous: Statement | undefined;
  return (hash) => {
    try {
      current ??= sqlite.prepare<[string], KeyHashRow>(byCurrent.replace("$1", "?"));
      previous ??= sqlite.prepare<[string], KeyHashRow>(byPrevious.replace("$1", "?"));
      return Promise.resolve(current.get(hash) ?? previous.get(hash));
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

/** PostgreSQL: named prepared statements, parsed and planned once per pooled connection. */
export function postgresKeyLookup(pool: PoolAcquirer): KeyLookup {
  return async (hash) => {
    const client = await pool.connect();
    try {
      const found = await client.query<KeyHashRow>({
        name: "keyward_key_by_hash",
        text: byCurrent,
        values: [hash],
      });
      if (found.rows[0] !== undefined) {
        client.release();
        return found.rows[0];
      }
      const rolled = await client.query<KeyHashRow>({
        name: "keyward_key_by_previous_hash",
        text: byPrevious,
        values: [hash],
      });
      client.release();
      return rolled.rows[0];
    } catch (error) {
      // As pg's pool.query does: a client whose query failed is discarded, not reused.
      client.release(error instanceof Error ? error : true);
      throw error;
    }
  };
}
