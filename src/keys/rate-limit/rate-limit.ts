import * as z from "zod";
import { invalidField } from "../../errors.js";

/** A key's limit: at most `requests` per `windowSeconds`, windows aligned to the clock (minutes start at :00). */
export interface RateLimit {
  requests: number;
  windowSeconds: number;
}

const windows = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3_600, hour: 3_600 } as const;
const pattern = /^(\d{1,9})\s*\/\s*([a-z]+)$/;
const shortUnit: Record<number, string> = { 1: "s", 60: "min", 3600: "h" };

export const rateLimitInputSchema = z
  .string()
  .trim()
  .max(20)
  .describe('Requests per window: "100/min", "10/s", "5000/h", or "none".');

/** "100/min", "10/s", "5000/h" (or "none" → null); names the field when it is neither. */
export function parseRateLimit(field: string, text: string): RateLimit | null {
  const value = text.trim().toLowerCase();
  if (value === "none") return null;
  const match = pattern.exec(value);
  const windowSeconds = match ? windows[match[2] as keyof typeof windows] : undefined;
  const requests = Number(match?.[1]);
  if (windowSeconds === undefined || !(requests >= 1 && requests <= 100_000_000)) {
    throw invalidField(
      field,
      `"${text}" is not a rate limit; write requests per window: 100/min, 10/s, 5000/h, or none.`,
    );
  }
  return { requests, windowSeconds };
}

export function formatRateLimit(limit: RateLimit): string {
  return `${limit.requests}/${shortUnit[limit.windowSeconds] ?? `${limit.windowSeconds}s`}`;
}

/** The stored form is the text itself; null: not limited. */
export function rateLimitOf(stored: string | null): RateLimit | null {
  return stored === null ? null : parseRateLimit("rate_limit", stored);
}
