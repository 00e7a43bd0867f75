import * as z from "zod";
import { getKeyPolicy } from "../accounts/account-policy.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { AppError, invalidField } from "../errors.js";
import { nowIso } from "../shared/time.js";
import { parseInput } from "../shared/validation.js";
import { type Actor, actorLabel, actorUserId } from "../users/actor.js";
import { recordDomainEvent } from "../webhooks/outbox.js";
import { parseDuration } from "./hygiene/durations.js";
import { renewedExpiry } from "./hygiene/key-expiry.js";
import { generateKey } from "./key-format.js";
import { keyRefOf } from "./key-ref.js";
import { type ApiKeyView, getKey } from "./key-view.js";
import { canaryIsNotEditable, lockKeyForChange } from "./lock-key.js";

/** The grace periods the console offers; the API and the CLI take any duration up to 7 days, or 0. */
export const graceChoices = ["0", "1h", "24h", "7d"] as const;
const maxGraceSeconds = 7 * 86_400;

export const rollKeyInputSchema = z.strictObject({
  grace: z
    .string()
    .trim()
    .max(20)
    .default("0")
    .describe(
      'How long the old secret keeps working: "0" (stops now), "1h", "24h", "7d", or any duration up to 7d.',
    ),
});

export interface RollKeyOptions {
  actor: Actor;
  keyId: string;
  grace?: string | undefined;
}

export interface RollKeyResult {
  key: ApiKeyView;
  /** The new secret: shown once, like a new key's. */
  secret: string;
}

/**
 * Rolls a key to a new secret (owner or Administrator), keeping its id, name, permissions, allowlist
 * and history. The old secret works for the grace period, then fails with `rolled_api_key`. Rolling
 * again ends an earlier grace at once: only the secret being replaced gets one. An expired key is
 * renewed for the lifetime it had (within the policy), and its expired secret gets no grace.
 */
export async function rollKey(ctx: Context, options: RollKeyOptions): Promise<RollKeyResult> {
  const { actor, keyId } = options;
  const { grace } = parseInput(rollKeyInputSchema, { grace: options.grace });
  const graceSeconds = grace === "0" ? 0 : parseDuration("grace", grace);
  if (graceSeconds > maxGraceSeconds) {
    throw invalidField("grace", "at most 7d.");
  }
  const generated = generateKey();
  const now = new Date();
  await ctx.db.transaction().execute(async (trx) => {
    await lockKeyForChange(trx, actor.accountId, keyId);
    const before = await getKey(trx, { actor, keyId });
    if (before.status === "revoked") throw new AppError("conflict", "A revoked API key can't be rolled.");
    if (before.isCanary) throw canaryIsNotEditable();
    const renewedUntil = renewedExpiry(before, await getKeyPolicy(trx, actor.accountId), now);
    // The replaced secret is kept even without a grace, so it is refused as rolled, not as unknown.
    const graceMs = renewedUntil === undefined ? graceSeconds * 1000 : 0;
    const validUntil = new Date(now.getTime() + graceMs).toISOString();
    const current = await trx
      .selectFrom("api_keys")
      .select(["key_hash", "hint"])
      .where("id", "=", keyId)
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("api_keys")
      .set({
        key_hash: generated.hash,
        hint: generated.hint,
        previous_key_hash: current.key_hash,
        previous_key_hint: current.hint,
        previous_key_valid_until: validUntil,
        ...(renewedUntil === undefined ? {} : { expires_at: renewedUntil }),
        rolled_at: now.toISOString(),
        updated_at: nowIso(),
      })
      .where("id", "=", keyId)
      .where("account_id", "=", actor.accountId)
      .where("revoked_at", "is", null)
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "api_key.rolled",
      target: { type: "api_key", id: keyId },
      details: {
        name: before.name,
        before: { hint: current.hint, ...(renewedUntil ? { expiresAt: before.expiresAt } : {}) },
        after: { hint: generated.hint, ...(renewedUntil ? { expiresAt: renewedUntil } : {}) },
        oldSecretValidUntil: validUntil,
        ...(renewedUntil ? { revived: true } : {}),
        ...(before.previousKeyHint ? { earlierGraceEnded: before.previousKeyHint } : {}),
      },
    });
    await recordDomainEvent(trx, {
      accountId: actor.accountId,
      type: "key.rolled",
      data: {
        key: { ...keyRefOf(before), hint: generated.hint },
        actor: actorLabel(actor),
        actorUserId: actorUserId(actor),
        oldSecretValidUntil: validUntil,
      },
    });
  });
  // Every instance drops the key (so the old secret is re-read with its grace) and learns the new hash.
  await ctx.changes.keyCreated(generated.hash);
  await ctx.changes.keyChanged(keyId);
  return { key: await getKey(ctx.db, { actor, keyId }), secret: generated.secret };
}
