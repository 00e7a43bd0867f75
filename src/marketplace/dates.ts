import { invalidField } from "../errors.js";

const dayMs = 86_400_000;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

/** Checks a YYYY-MM-DD calendar date (UTC); names `field` when it is not one. */
export function parseDay(field: string, value: string): string {
  const time = Date.parse(`${value}T00:00:00.000Z`);
  if (!dayPattern.test(value) || Number.isNaN(time) || toDay(new Date(time)) !== value) {
    throw invalidField(field, `must be a date written YYYY-MM-DD, e.g. 2025-03-31 (got "${value}").`);
  }
  return value;
}

export function toDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return toDay(new Date(Date.parse(`${day}T00:00:00.000Z`) + days * dayMs));
}

/** Days from `from` to `to`, counting both. */
export function countDays(from: string, to: string): number {
  return Math.round((Date.parse(to) - Date.parse(from)) / dayMs) + 1;
}

/** The first instant of `day`: placed_at >= startOf(from) and < startOf(to + 1) covers from..to. */
export function startOf(day: string): string {
  return `${day}T00:00:00.000Z`;
}
