import { z } from "zod";
import { AppError } from "../errors.js";

// Control and format characters, lone surrogates and line separators have no place in names or ids.
const controlCharacters = /[\p{Cc}\p{Cf}\p{Cs}\u2028\u2029]/u;

/** Printable text: refuses control characters (including newlines) that have no place in a name. */
export function singleLineText(label: string, max: number) {
  return z
    .string()
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} must be at most ${max} characters.`)
    .refine((value) => !controlCharacters.test(value), `${label} must not contain control characters.`);
}

/** An id, cursor or filter value from a URL: bounded, and no control characters (NUL breaks PostgreSQL). */
export const idTextSchema = z
  .string()
  .trim()
  .min(1, "must not be empty.")
  .max(64, "must be at most 64 characters.")
  .refine((value) => !controlCharacters.test(value), "must not contain control characters.");

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "Email must be at most 254 characters.")
  .pipe(z.email("Enter a valid email address, e.g. ana@example.com."));

export const passwordSchema = z
  .string()
  .min(12, "Password must be at least 12 characters.")
  .max(256, "Password must be at most 256 characters.");

/** Parses a value for the domain, turning zod issues into one invalid_request naming the fields. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix?: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidRequestFromIssues(result.error.issues, prefix);
}

export function invalidRequestFromIssues(issues: z.core.$ZodIssue[], prefix?: string): AppError {
  const fields = issues.map(
    (issue) => [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "body",
  );
  const message = issues.map((issue, i) => `${fields[i]}: ${issue.message}`).join("; ");
  return new AppError("invalid_request", message, { fields: [...new Set(fields)] });
}
