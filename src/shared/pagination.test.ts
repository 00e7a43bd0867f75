import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { decodeCursor, defaultLimit, encodeCursor, maxLimit, resolveLimit, toPage } from "./pagination.js";

function refusedField(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error.details?.fields?.[0];
    throw error;
  }
  return undefined;
}

describe("resolveLimit", () => {
  it("uses 25 when none is asked for, and accepts 1 to 100", () => {
    expect(resolveLimit(undefined)).toBe(defaultLimit);
    expect(defaultLimit).toBe(25);
    expect(resolveLimit(1)).toBe(1);
    expect(resolveLimit(maxLimit)).toBe(100);
  });

  it("refuses 0, 101, fractions and negatives, naming limit", () => {
    for (const limit of [0, 101, 2.5, -1])
      expect(
        refusedField(() => resolveLimit(limit)),
        String(limit),
      ).toBe("limit");
  });
});

describe("cursors", () => {
  it("give back exactly the sort key they were made from", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[\x20-\x7e]{1,100}$/), { minLength: 1, maxLength: 3 }),
        (key) => {
          expect(decodeCursor(encodeCursor(key), key.length)).toEqual(key);
        },
      ),
    );
  });

  it("refuse a cursor of another list's shape, garbage and control characters, naming cursor", () => {
    for (const cursor of [encodeCursor(["a"]), "not-base64-json", encodeCursor(["a\u0000", "b"])]) {
      expect(
        refusedField(() => decodeCursor(cursor, 2)),
        cursor,
      ).toBe("cursor");
    }
  });

  it("is absent on the last page and present when one more row exists", () => {
    const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const full = toPage(
      rows,
      2,
      (row) => [row.id],
      (row) => row.id,
    );
    expect(full.items).toEqual(["a", "b"]);
    expect(decodeCursor(full.nextCursor ?? "", 1)).toEqual(["b"]);
    expect(
      toPage(
        rows,
        3,
        (row) => [row.id],
        (row) => row.id,
      ).nextCursor,
    ).toBeNull();
  });
});
