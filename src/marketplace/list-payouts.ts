import type { Db } from "../db/database.js";
import { decodeCursor, type Page, resolveLimit, toPage } from "../shared/pagination.js";
import { applySync, type SyncOptions, updatedSortKey } from "./change-feed.js";
import { type Payout, toPayout } from "./payout-view.js";
import type { PayoutStatus } from "./tables.js";

export interface ListPayoutsOptions extends SyncOptions {
  accountId: string;
  sellerId?: string;
  status?: PayoutStatus;
  limit?: number;
  cursor?: string;
}

/** An account's payouts to sellers, most recent week first. */
export async function listPayouts(db: Db, options: ListPayoutsOptions): Promise<Page<Payout>> {
  const limit = resolveLimit(options.limit);
  let query = db.selectFrom("payouts").selectAll().where("account_id", "=", options.accountId);
  if (options.sellerId !== undefined) query = query.where("seller_id", "=", options.sellerId);
  if (options.status !== undefined) query = query.where("status", "=", options.status);
  query = applySync(query, options);
  if (options.sort === "updatedAt") {
    return toPage(await query.limit(limit + 1).execute(), limit, updatedSortKey, toPayout);
  }
  const after = decodeCursor(options.cursor, 2);
  if (after !== undefined) {
    const [periodStart = "", id = ""] = after;
    query = query.where((eb) => eb(eb.refTuple("period_start", "id"), "<", eb.tuple(periodStart, id)));
  }
  const rows = await query
    .orderBy("period_start", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, (row) => [row.period_start, row.id], toPayout);
}
