import * as z from "zod";
import { invalidField } from "../errors.js";

// One pagination for every list of both APIs: `?limit=1..100` (25 by default) and an opaque `cursor`
// (the `nextCursor` of the previous page), answered as `{ items, nextCursor }`.

export const defaultLimit = 25;
export const maxLimit = 100;

/** One page of a list: `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The query parameters every list takes. */
export const pageQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(maxLimit)
    .default(defaultLimit)
    .describe(`Items per page, 1 to ${maxLimit}.`),
  cursor: z.string().trim().max(200).optional().describe("The nextCursor of the previous page."),
};

/** The response schema of a list: `{ items, nextCursor }`. */
export function createPageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe("Pass as `cursor` for the next page; null on the last page."),
  });
}

/** The page size to use; names `limit` when it is not a whole number from 1 to 100. */
export function resolveLimit(limit: number | undefined): number {
  if (limit === undefined) return defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw invalidField("limit", `must be a whole number from 1 to ${maxLimit}.`);
  }
  return limit;
}

/** An opaque cursor: the base64url JSON of the last row's sort key. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

// A decoded cursor is input like any other: printable, bounded parts (a NUL byte breaks PostgreSQL).
const cursorPart = /^[\x20-\x7e]{1,100}$/;

/** The sort key inside a cursor; names `cursor` when it was not made by this list. */
export function decodeCursor(cursor: string | undefined, size: number): string[] | undefined {
  if (cursor === undefined || cursor === "") return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (
      Array.isArray(key) &&
      key.length === size &&
      key.every((part) => typeof part === "string" && cursorPart.test(part))
    ) {
      return key as string[];
    }
  } catch {
    // Falls through to the error below: a cursor that is not base64url JSON is as invalid as a wrong one.
  }
  throw invalidField("cursor", "is not a cursor from this list; pass the nextCursor of the previous page.");
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
