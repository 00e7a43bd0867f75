import * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import type { Db } from "../db/database.js";
import { invalidField } from "../errors.js";
import { formatDuration, parseDuration } from "../keys/hygiene/durations.js";
import type { KeyPolicy } from "../keys/hygiene/key-expiry.js";
import {
  formatRateLimit,
  parseRateLimit,
  rateLimitInputSchema,
  rateLimitOf,
} from "../keys/rate-limit/rate-limit.js";
import { type Actor, requireAdministrator } from "../users/actor.js";

/** An account's rules for its keys, as Administrators set and read them. */
export const accountPolicySchema = z
  .object({
    maxKeyLifetime: z
      .string()
      .nullable()
      .describe('The longest a key may live, e.g. "90d"; null: no maximum.'),
    defaultKeyLifetime: z
      .string()
      .nullable()
      .describe('What "Expires" defaults to when a key is generated, e.g. "30d"; null: never.'),
    defaultRateLimit: z
      .string()
      .nullable()
      .describe('The rate limit new keys get, e.g. "600/min"; null: none.'),
  })
  .meta({ id: "AccountPolicy" });
export type AccountPolicy = z.infer<typeof accountPolicySchema>;

/** A change to the policy: a duration ("90d") or "none" for each field sent; the others stay. */
export const accountPolicyInputSchema = z.strictObject({
  maxKeyLifetime: z.string().trim().max(20).optional().describe('"90d", "12h"…, or "none".'),
  defaultKeyLifetime: z.string().trim().max(20).optional().describe('"30d", "12h"…, or "none" (never).'),
  defaultRateLimit: rateLimitInputSchema.optional(),
});

export async function getKeyPolicy(db: Db, accountId: string): Promise<KeyPolicy> {
  const row = await db
    .selectFrom("accounts")
    .select(["max_key_lifetime_seconds", "default_key_lifetime_seconds", "default_rate_limit"])
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  return {
    maxLifetimeSeconds: row.max_key_lifetime_seconds,
    defaultLifetimeSeconds: row.default_key_lifetime_seconds,
    defaultRateLimit: rateLimitOf(row.default_rate_limit),
  };
}

export async function getAccountPolicy(db: Db, options: { actor: Actor }): Promise<AccountPolicy> {
  return toView(await getKeyPolicy(db, options.actor.accountId));
}

export interface SetAccountPolicyOptions {
  actor: Actor;
  changes: z.input<typeof accountPolicyInputSchema>;
}

/**
 * Changes the account's key policy; Administrators only. Lowering the maximum doesn't touch existing
 * keys: those that now live too long are flagged (`exceedsPolicy`) for someone to shorten or roll.
 */
export async function setAccountPolicy(
  ctx: Context,
  options: SetAccountPolicyOptions,
): Promise<AccountPolicy> {
  const { actor, changes } = options;
  requireAdministrator(actor);
  if (Object.values(changes).every((value) => value === undefined)) {
    throw invalidField("body", "send at least one of maxKeyLifetime, defaultKeyLifetime, defaultRateLimit.");
  }
  return ctx.db.transaction().execute(async (trx) => {
    const before = await getKeyPolicy(trx, actor.accountId);
    const after: KeyPolicy = {
      maxLifetimeSeconds: lifetimeOrKeep("maxKeyLifetime", changes.maxKeyLifetime, before.maxLifetimeSeconds),
      defaultLifetimeSeconds: lifetimeOrKeep(
        "defaultKeyLifetime",
        changes.defaultKeyLifetime,
        before.defaultLifetimeSeconds,
      ),
      defaultRateLimit:
        changes.defaultRateLimit === undefined
          ? before.defaultRateLimit
          : parseRateLimit("defaultRateLimit", changes.defaultRateLimit),
    };
    const { maxLifetimeSeconds: max, defaultLifetimeSeconds: fallback } = after;
    if (max !== null && (fallback === null || fallback > max)) {
      throw invalidField(
        "defaultKeyLifetime",
        `must be at most the maximum key lifetime (${formatDuration(max)}); "none" is not allowed while there is a maximum.`,
      );
    }
    await trx
      .updateTable("accounts")
      .set({
        max_key_lifetime_seconds: max,
        default_key_lifetime_seconds: fallback,
        default_rate_limit: after.defaultRateLimit === null ? null : formatRateLimit(after.defaultRateLimit),
      })
      .where("id", "=", actor.accountId)
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "account.policy_updated",
      target: { type: "account", id: actor.accountId },
      details: { before: toView(before), after: toView(after) },
    });
    return toView(after);
  });
}

/** Past this a lifetime is no policy at all (and PostgreSQL's integer column ends at ~68 years). */
const longestLifetimeSeconds = 3650 * 86_400;

function lifetimeOrKeep(field: string, text: string | undefined, current: number | null): number | null {
  if (text === undefined) return current;
  if (text === "none" || text === "never") return null;
  const seconds = parseDuration(field, text);
  if (seconds > longestLifetimeSeconds) {
    throw invalidField(
      field,
      `at most ${formatDuration(longestLifetimeSeconds)} (ten years); "none" for no limit.`,
    );
  }
  return seconds;
}

function toView(policy: KeyPolicy): AccountPolicy {
  const show = (seconds: number | null) => (seconds === null ? null : formatDuration(seconds));
  return {
    maxKeyLifetime: show(policy.maxLifetimeSeconds),
    defaultKeyLifetime: show(policy.defaultLifetimeSeconds),
    defaultRateLimit: policy.defaultRateLimit === null ? null : formatRateLimit(policy.defaultRateLimit),
  };
}
