import { z } from "zod";
import { invalidRequest } from "../errors.js";

export const defaultLimit = 25;
export const maxLimit = 100;

/** One page of a list: `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The response schema of a list: `{ items, nextCursor }`. */
export function createPageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** The page size to use; names `limit` when it is not a whole number from 1 to 100. */
export function resolveLimit(limit: number | undefined): number {
  if (limit === undefined) return defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw invalidRequest("limit", `must be a whole number from 1 to ${maxLimit}.`);
  }
  return limit;
}

/** An opaque cursor: the base64url JSON of the last row's sort key. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

/** The sort key inside a cursor; names `cursor` when it was not made by this list. */
export function decodeCursor(cursor: string | undefined, size: number): string[] | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(key) && key.length === size && key.every((part) => typeof part === "string")) {
      return key as string[];
    }
  } catch {
    // Falls through to the error below: a cursor that is not base64url JSON is as invalid as a wrong one.
  }
  throw invalidRequest("cursor", "is not a cursor from this list; pass the nextCursor of the previous page.");
}

/** Turns `limit + 1` fetched rows into a page: the extra row only tells whether another page exists. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  keyOf: (row: Row) => string[],
  toItem: (row: Row) => Item,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  const hasMore = rows.length > limit && last !== undefined;
  return { items: pageRows.map(toItem), nextCursor: hasMore ? encodeCursor(keyOf(last)) : null };
}
