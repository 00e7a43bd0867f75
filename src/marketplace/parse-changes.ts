import type * as z from "zod";
import { invalidField } from "../errors.js";
import { parseInput } from "../shared/validation.js";

/**
 * Checks a partial update against its schema (the one the HTTP route validates with, so the CLI and tests
 * get the same rules) and insists on at least one change. Errors name the fields.
 */
export function parseChanges<Schema extends z.ZodObject>(schema: Schema, input: unknown): z.output<Schema> {
  const changes = parseInput(schema, input);
  if (Object.values(changes).every((value) => value === undefined)) {
    throw invalidField("body", `send at least one of ${Object.keys(schema.shape).join(", ")}.`);
  }
  return changes;
}
