import { type RawBuilder, type SqlBool, sql } from "kysely";
import type { Db } from "../db/database.js";
import { invalidField } from "../errors.js";
import { decodeCursor, type Page, resolveLimit, toPage } from "../shared/pagination.js";
import type { Actor } from "../users/actor.js";
import { hasApiAccessSql } from "../users/user-view.js";
import { expiringSoonMs } from "./hygiene/key-status.js";
import { type ApiKeyView, requireApiAccess, selectVisibleKeys, toKeyView } from "./key-view.js";

/**
 * `current` (the default): every key not revoked. `active`: keys that work now (statuses active,
 * expiring soon and rolled); `expiring`: those of them expiring within 7 days. `expired`, `suspended`
 * and `revoked` select that status, as `statusOfKey` decides it; `all`: every key.
 */
export const keyStatusFilters = [
  "current",
  "active",
  "expiring",
  "expired",
  "suspended",
  "revoked",
  "all",
] as const;
export type KeyStatusFilter = (typeof keyStatusFilters)[number];

/**
 * The orders a list can take: by name (A→Z), creation, last use or expiry; a leading "-" reverses it.
 * Keys never used sort as the oldest use; keys that never expire as the latest expiry.
 */
export const keySorts = [
  "-created",
  "created",
  "name",
  "-name",
  "-last_used",
  "last_used",
  "expires",
  "-expires",
] as const;
export type KeySort = (typeof keySorts)[number];

export interface ListKeysOptions {
  actor: Actor;
  status?: KeyStatusFilter | undefined;
  ownerId?: string | undefined;
  /** Part of the key's name or hint, any case. */
  q?: string | undefined;
  sort?: KeySort | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** Keys the actor may see, newest first unless `sort` says otherwise; ties go by id, newest first. */
export async function listKeys(db: Db, options: ListKeysOptions): Promise<Page<ApiKeyView>> {
  requireApiAccess(options.actor);
  const limit = resolveLimit(options.limit);
  const after = decodeCursor(options.cursor, 1)?.[0];
  const now = new Date();
  const sort = options.sort ?? "-created";
  const isDescending = sort.startsWith("-");
  const expression = sortExpression(sort);
  const direction = isDescending ? "desc" : "asc";
  // By creation: ids are time-ordered (ULIDs, monotonic), so the id alone is the order, and the
  // account's (account_id, id) index serves it; ordering by created_at sorted every key of the account.
  const byId = expression === undefined;
  let query = selectVisibleKeys(db, options.actor).limit(limit + 1);
  if (expression !== undefined) query = query.orderBy(expression, direction);
  query = query.orderBy("k.id", direction);
  query = filterByStatus(query, options.status ?? "current", now);
  // Canaries are listed apart (src/leaks/canaries.ts): they are traps, not keys anyone uses.
  query = query.where("k.is_canary", "=", 0);
  if (options.ownerId !== undefined) query = query.where("k.owner_user_id", "=", options.ownerId);
  const search = options.q?.trim().toLowerCase();
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
    query = query.where(
      sql<SqlBool>`(lower(k.name) like ${pattern} escape '\\' or lower(k.hint) like ${pattern} escape '\\')`,
    );
  }
  if (after !== undefined) {
    // The cursor holds only the last key's id; its sort value is read back, so any name fits a cursor.
    const cursorRow = await selectVisibleKeys(db, options.actor)
      .select((expression ?? sql<string>`k.id`).as("sort_value"))
      .where("k.id", "=", after)
      .executeTakeFirst();
    if (!cursorRow)
      throw invalidField(
        "cursor",
        "is not a cursor from this list; pass the nextCursor of the previous page.",
      );
    const value = cursorRow.sort_value;
    const beyond = isDescending ? "<" : ">";
    query = byId
      ? query.where("k.id", beyond, after)
      : query.where((eb) =>
          eb.or([
            eb(expression, beyond, value),
            eb.and([eb(expression, "=", value), eb("k.id", beyond, after)]),
          ]),
        );
  }
  // The same instant as the filter; passing toKeyView itself would hand it map's index as `now`.
  return toPage(
    await query.execute(),
    limit,
    (row) => [row.id],
    (row) => toKeyView(row, now.getTime()),
  );
}

/** What a sort orders by before the id, with the nulls placed where a person expects them; creation: nothing. */
function sortExpression(sort: KeySort): RawBuilder<string> | undefined {
  switch (sort.replace(/^-/, "")) {
    case "name":
      return sql<string>`lower(k.name)`;
    case "last_used":
      return sql<string>`coalesce(k.last_used_at, '')`;
    case "expires":
      return sql<string>`coalesce(k.expires_at, '9999')`;
    default:
      return undefined;
  }
}

type KeyQuery = ReturnType<typeof selectVisibleKeys>;

function filterByStatus(query: KeyQuery, status: KeyStatusFilter, now: Date): KeyQuery {
  if (status === "all") return query;
  if (status === "revoked") return query.where("k.revoked_at", "is not", null);
  const current = query.where("k.revoked_at", "is", null);
  if (status === "current") return current;
  if (status === "suspended") return current.where(sql<boolean>`not ${hasApiAccessSql("o")}`);
  const usable = current.where(hasApiAccessSql("o"));
  const nowIso = now.toISOString();
  if (status === "expired") return usable.where("k.expires_at", "<=", nowIso);
  const live = usable.where((eb) => eb.or([eb("k.expires_at", "is", null), eb("k.expires_at", ">", nowIso)]));
  if (status === "active") return live;
  return live.where("k.expires_at", "<=", new Date(now.getTime() + expiringSoonMs).toISOString());
}
