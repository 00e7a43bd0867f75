import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Db } from "../../../src/db/database.js";

/**
 * The tables a refused request must leave untouched — the key, user and audit tables the issue names,
 * plus the marketplace rows the API can change — each with its primary key for a stable order. Sessions
 * are left out: reading a page may legitimately touch `last_seen_at`; so are a key's last-used time and
 * address, which a refused request made with a valid key records (in a batch written at any moment).
 */
const usageColumns = new Set(["last_used_at", "last_used_ip"]);
const hashedTables = {
  accounts: "id",
  users: "id",
  api_keys: "id",
  audit_events: "id",
  sellers: "account_id, id",
  products: "account_id, id",
} as const;

export interface Fingerprint {
  counts: Record<string, number>;
  hash: string;
}

/**
 * Row counts and one SHA-256 over every row of the guarded tables. Orders (thousands of demo rows) are
 * summarised instead of hashed row by row, to keep the fuzz suite fast: every change the API can make to an
 * order sets its status and `updated_at`, which the per-status counts and latest `updated_at` reveal.
 */
export async function fingerprint(db: Db): Promise<Fingerprint> {
  const digest = createHash("sha256");
  const counts: Record<string, number> = {};
  for (const [table, primaryKey] of Object.entries(hashedTables)) {
    const { rows } = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} order by ${sql.raw(primaryKey)}`.execute(db);
    counts[table] = rows.length;
    const values = (row: Record<string, unknown>) =>
      Object.entries(row)
        .filter(([column]) => !usageColumns.has(column))
        .map(([, value]) => value);
    digest.update(`${table}\n${rows.map((row) => values(row).join("\u001f")).join("\n")}\n`);
  }
  const { rows: orders } = await sql<{ status: string; n: number | string; latest: string | null }>`
    select status, count(*) as n, max(updated_at) as latest from orders group by status order by status`.execute(
    db,
  );
  counts.orders = orders.reduce((sum, row) => sum + Number(row.n), 0);
  digest.update(
    `orders\n${orders.map((row) => `${row.status}\u001f${row.n}\u001f${row.latest}`).join("\n")}\n`,
  );
  return { counts, hash: digest.digest("hex") };
}
