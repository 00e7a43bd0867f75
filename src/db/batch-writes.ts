import { type RawBuilder, sql } from "kysely";
import type { Db, DialectName } from "./database.js";

// Usage and last-used batches, one statement per table per flush whatever the number of keys in it:
// the rows travel as one JSON parameter and the database expands them (SQLite json_each, PostgreSQL
// jsonb_to_recordset). Through the query builder each key cost a statement of its own — compiled,
// prepared and run — which made recording grow with the number of distinct keys and, on a cold path
// where nearly every request is a new key, cost more than verifying them.

export interface LastUse {
  id: string;
  at: string;
  ip: string | null;
}

export interface UsageCountRow {
  account_id: string;
  key_id: string;
  bucket: string;
  route: string;
  permission: string;
  status_class: string;
  authorized: number;
  requests: number;
}

export interface ClientIpRow {
  account_id: string;
  key_id: string;
  ip: string;
  first_seen_at: string;
  last_seen_at: string;
  requests: number;
}

export type UsageTable = "usage_minute" | "usage_hour" | "usage_day";

/**
 * Rows per statement. SQLite runs a statement on the event loop: an upsert of 5,000 usage rows held it
 * ≈250 ms, and a flush of 20,000 distinct keys ≈1 s, stalling every request meanwhile. 500 rows keep
 * a statement to tens of milliseconds at most, and each writer below lets the loop turn between them.
 */
export const rowsPerStatement = 500;

/** Resolves on the event loop's next turn: requests that arrived meanwhile run before the next write. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Sets each key's last use (time, address) unless a later one is already stored. */
export async function writeLastUses(db: Db, dialect: DialectName, uses: LastUse[]): Promise<void> {
  for (const chunk of chunks(uses)) {
    const rows = rowsOf(dialect, chunk, "id text, at text, ip text");
    await sql`
      update api_keys set last_used_at = j.at, last_used_ip = j.ip
      from ${rows} where api_keys.id = j.id
        and (api_keys.last_used_at is null or api_keys.last_used_at < j.at)`.execute(db);
    await nextTurn();
  }
}

/** Adds request counts to a usage table: several instances writing the same bucket add up. */
export async function addUsageCounts(
  db: Db,
  dialect: DialectName,
  table: UsageTable,
  counts: UsageCountRow[],
): Promise<void> {
  for (const chunk of chunks(counts)) {
    const columns =
      "account_id text, key_id text, bucket text, route text, permission text, status_class text, authorized integer, requests integer";
    await sql`
      insert into ${sql.table(table)} (account_id, key_id, bucket, route, permission, status_class, authorized, requests)
      select j.account_id, j.key_id, j.bucket, j.route, j.permission, j.status_class, j.authorized, j.requests
      from ${rowsOf(dialect, chunk, columns)} where true
      on conflict (key_id, bucket, route, permission, status_class, authorized)
      do update set requests = ${sql.ref(`${table}.requests`)} + excluded.requests`.execute(db);
    await nextTurn();
  }
}

/** Records the addresses keys were used from: first seen kept, last seen the later one, requests added. */
export async function addClientIps(db: Db, dialect: DialectName, ips: ClientIpRow[]): Promise<void> {
  for (const chunk of chunks(ips)) {
    const columns =
      "account_id text, key_id text, ip text, first_seen_at text, last_seen_at text, requests integer";
    await sql`
      insert into key_client_ips (account_id, key_id, ip, first_seen_at, last_seen_at, requests)
      select j.account_id, j.key_id, j.ip, j.first_seen_at, j.last_seen_at, j.requests
      from ${rowsOf(dialect, chunk, columns)} where true
      on conflict (key_id, ip) do update set
        last_seen_at = case when excluded.last_seen_at > key_client_ips.last_seen_at
                            then excluded.last_seen_at else key_client_ips.last_seen_at end,
        requests = key_client_ips.requests + excluded.requests`.execute(db);
    await nextTurn();
  }
}

/** `rows` as a table aliased `j` with the given typed columns, from one JSON parameter. */
function rowsOf(dialect: DialectName, rows: object[], columns: string): RawBuilder<unknown> {
  const json = JSON.stringify(rows);
  if (dialect === "postgres") return sql`jsonb_to_recordset(${json}::jsonb) as j(${sql.raw(columns)})`;
  const names = columns.split(",").map((column) => column.trim().split(" ")[0] ?? "");
  const fields = names.map((name) => `value ->> '${name}' as ${name}`).join(", ");
  return sql`(select ${sql.raw(fields)} from json_each(${json})) as j`;
}

export function* chunks<T>(rows: T[], size = rowsPerStatement): Generator<T[]> {
  for (let i = 0; i < rows.length; i += size) yield rows.slice(i, i + size);
}
