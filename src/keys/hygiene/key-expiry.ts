import * as z from "zod";
import { invalidField } from "../../errors.js";
import type { RateLimit } from "../rate-limit/rate-limit.js";
import { formatDuration, parseDuration } from "./durations.js";

/** An account's rules for new and edited keys (Settings > Key policy). */
export interface KeyPolicy {
  /** No key may live longer; null: no maximum. */
  maxLifetimeSeconds: number | null;
  /** What "Expires" defaults to; null: never. */
  defaultLifetimeSeconds: number | null;
  /** The rate limit new keys get; null: none. */
  defaultRateLimit: RateLimit | null;
}

/** How a client says when a key expires: a duration from now, an instant, or never. */
export const expiryInputSchema = {
  expiresIn: z
    .string()
    .trim()
    .max(20)
    .optional()
    .describe('How long the key lives from now: "7d", "30d", "90d", "12h"…, or "never".'),
  expiresAt: z
    .union([z.iso.datetime({ offset: true }), z.iso.date()])
    .optional()
    .describe("When the key expires: an instant (ISO-8601) or a day (YYYY-MM-DD, the end of that day, UTC)."),
};

export interface ExpiryInput {
  expiresIn?: string | undefined;
  expiresAt?: string | undefined;
}

/**
 * The expiry a create or an edit asks for, checked against the policy: an ISO instant, null for never,
 * or undefined when an edit leaves it as it is (a create then takes the policy's default).
 */
export function resolveExpiry(
  input: ExpiryInput,
  policy: KeyPolicy,
  now: Date,
  mode: "create" | "update",
): string | null | undefined {
  if (input.expiresIn !== undefined && input.expiresAt !== undefined) {
    throw invalidField("expiresAt", "send expiresIn or expiresAt, not both.");
  }
  let expiresAt: string | null | undefined;
  if (input.expiresIn === "never") expiresAt = null;
  else if (input.expiresIn !== undefined) {
    expiresAt = new Date(now.getTime() + parseDuration("expiresIn", input.expiresIn) * 1000).toISOString();
  } else if (input.expiresAt !== undefined) {
    expiresAt = parseInstant(input.expiresAt);
    if (Date.parse(expiresAt) <= now.getTime()) {
      throw invalidField("expiresAt", "must be in the future.");
    }
  } else if (mode === "create") {
    expiresAt =
      policy.defaultLifetimeSeconds === null
        ? null
        : new Date(now.getTime() + policy.defaultLifetimeSeconds * 1000).toISOString();
  }
  if (expiresAt !== undefined) checkAgainstPolicy(expiresAt, policy, now, input);
  return expiresAt;
}

/** A day means the end of that day (UTC): "expires on 2027-03-01" works all of that day. */
function parseInstant(text: string): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return new Date(`${text}T23:59:59.999Z`).toISOString();
  return new Date(text).toISOString();
}

function checkAgainstPolicy(
  expiresAt: string | null,
  policy: KeyPolicy,
  now: Date,
  input: ExpiryInput,
): void {
  const max = policy.maxLifetimeSeconds;
  if (max === null) return;
  const field = input.expiresAt !== undefined ? "expiresAt" : "expiresIn";
  const limit = `Your account's policy allows keys to live at most ${formatDuration(max)}`;
  if (expiresAt === null) throw invalidField(field, `${limit}; choose an expiry.`);
  if (Date.parse(expiresAt) > now.getTime() + max * 1000 + 1000) {
    const latest = new Date(now.getTime() + max * 1000).toISOString();
    throw invalidField(field, `${limit} (until ${latest}); choose an earlier expiry.`);
  }
}

/**
 * The expiry an expired key gets when it is rolled ("Generate a new key or roll this one"): the
 * lifetime it was given, from now, within the policy's maximum. Undefined when it hasn't expired.
 */
export function renewedExpiry(
  key: { createdAt: string; expiresAt: string | null },
  policy: KeyPolicy,
  now: Date,
): string | undefined {
  if (key.expiresAt === null || Date.parse(key.expiresAt) > now.getTime()) return undefined;
  const lifetimeMs = Date.parse(key.expiresAt) - Date.parse(key.createdAt);
  const maxMs = policy.maxLifetimeSeconds === null ? lifetimeMs : policy.maxLifetimeSeconds * 1000;
  return new Date(now.getTime() + Math.max(1000, Math.min(lifetimeMs, maxMs))).toISOString();
}
