import * as z from "zod";
import { type AppError, invalidRequest } from "../errors.js";
import { isEasyToGuess } from "./password-strength.js";

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

export const passwordLimits = { min: 12, max: 256 } as const;

/**
 * The password policy, for every password Keyward sets: at least 12 characters, not only spaces, and not
 * easy to guess. One message per password, the first rule it breaks, saying what to change.
 */
export const passwordSchema = z.string().superRefine((password, ctx) => {
  const problem = passwordProblem(password);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

function passwordProblem(password: string): string | undefined {
  if ([...password].length < passwordLimits.min)
    return `Password must be at least ${passwordLimits.min} characters.`;
  if (password.length > passwordLimits.max)
    return `Password must be at most ${passwordLimits.max} characters.`;
  if (/^\s*$/u.test(password)) return "Password must not be only spaces.";
  if (isEasyToGuess(password))
    return "Password is too easy to guess: it is a common password or a simple pattern (a repeated word, a sequence like 123456, a keyboard row). Use a longer phrase of unrelated words.";
  return undefined;
}

/** Parses a value for the domain, turning zod issues into one invalid_request naming the fields. */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, prefix?: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidRequestFromIssues(result.error.issues, prefix);
}

export function invalidRequestFromIssues(issues: z.core.$ZodIssue[], prefix?: string): AppError {
  return invalidRequest(
    issues.map((issue) => ({
      field: [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "body",
      problem: issue.message,
    })),
  );
}
