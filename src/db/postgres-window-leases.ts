import { sql } from "kysely";
import type { Lease, WindowLeases } from "../keys/rate-limit/window-leases.js";
import type { Db } from "./database.js";

/**
 * Rate-limit leases in PostgreSQL, for instances that share a database but no Redis: one upsert per
 * lease, atomic under the row's lock, on PostgreSQL's clock (so instances with skewed clocks agree on
 * the window). Leases are slices of the window, so this is one statement per slice, not per request.
 */
export function postgresWindowLeases(db: Db): WindowLeases {
  return {
    async lease(key, { max, windowMs, want }): Promise<Lease> {
      // Typed parameters: untyped, PostgreSQL infers text for least(…) and the insert fails.
      const [maxOf, wantOf, windowOf] = [
        sql`${max}::integer`,
        sql`${want}::integer`,
        sql`${windowMs}::bigint`,
      ];
      const { rows } = await sql<{ used: number; last_grant: number; reset_in_ms: number }>`
        with clock as (select (extract(epoch from clock_timestamp()) * 1000)::bigint as now_ms),
        leased as (
          insert into rate_limit_windows as w (key_id, window_start, used, last_grant)
          select ${key}::text, (now_ms / ${windowOf}) * ${windowOf}, least(${wantOf}, ${maxOf}), least(${wantOf}, ${maxOf})
          from clock
          on conflict (key_id, window_start) do update
            set last_grant = least(${wantOf}, greatest(0, ${maxOf} - w.used)),
                used = w.used + least(${wantOf}, greatest(0, ${maxOf} - w.used))
          returning w.used, w.last_grant, w.window_start
        )
        select used, last_grant, window_start + ${windowOf} - (select now_ms from clock) as reset_in_ms
        from leased`.execute(db);
      const row = rows[0];
      if (!row) throw new Error("the lease statement returned no row");
      return { granted: Number(row.last_grant), used: Number(row.used), resetInMs: Number(row.reset_in_ms) };
    },
  };
}
