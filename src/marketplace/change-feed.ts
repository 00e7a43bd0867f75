import { type SelectQueryBuilder, sql } from "kysely";
import * as z from "zod";
import type { Schema } from "../db/schema.js";
import { invalidField } from "../errors.js";
import { decodeCursor } from "../shared/pagination.js";

/**
 * Syncing a list by update time: `updatedSince` and `sort=updatedAt` (oldest change first, cursor over
 * (updatedAt, id)). A row changed while a client pages comes again later with its new updatedAt, so a
 * client that follows the cursor sees every change. Rows changed in the last `settleMs` are held back:
 * a change committed by a slower instance with an earlier timestamp can't slip behind the cursor.
 * For an exact, ordered record of changes, GET /api/v1/events.
 */
export const settleMs = 2_000;

export const syncQuery = {
  updatedSince: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("Only items changed at or after this instant (ISO-8601)."),
  sort: z
    .enum(["default", "updatedAt"])
    .default("default")
    .describe(
      "`updatedAt`: oldest change first, for syncing; changes of the last 2 s appear on a later call.",
    ),
};

export interface SyncOptions {
  updatedSince?: string | undefined;
  sort?: "default" | "updatedAt" | undefined;
  cursor?: string | undefined;
}

type Synced = "orders" | "products" | "sellers" | "payouts";

/** Applies `updatedSince` (any sort) and, for `sort=updatedAt`, the order and the cursor. */
export function applySync<T extends Synced, O>(
  query: SelectQueryBuilder<Schema, T, O>,
  options: SyncOptions,
  now = Date.now(),
): SelectQueryBuilder<Schema, T, O> {
  let synced = query;
  if (options.updatedSince !== undefined) {
    const since = new Date(options.updatedSince);
    if (Number.isNaN(since.getTime())) throw invalidField("updatedSince", "is not an ISO-8601 instant.");
    synced = synced.where(sql<boolean>`updated_at >= ${since.toISOString()}`);
  }
  if (options.sort !== "updatedAt") return synced;
  synced = synced.where(sql<boolean>`updated_at <= ${new Date(now - settleMs).toISOString()}`);
  const after = decodeCursor(options.cursor, 2);
  if (after !== undefined) {
    const [updatedAt = "", id = ""] = after;
    synced = synced.where(
      sql<boolean>`(updated_at > ${updatedAt} or (updated_at = ${updatedAt} and id > ${id}))`,
    );
  }
  return synced.orderBy(sql`updated_at`).orderBy(sql`id`);
}

/** The cursor key of a row in `sort=updatedAt` order. */
export function updatedSortKey(row: { updated_at: string; id: string }): string[] {
  return [row.updated_at, row.id];
}
