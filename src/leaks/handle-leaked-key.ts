import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { hashKey, isWellFormedKey } from "../keys/key-format.js";
import { lockKeyForChange } from "../keys/lock-key.js";
import { nowIso } from "../shared/time.js";
import { recordDomainEvent } from "../webhooks/outbox.js";
import { recordCanaryTrigger } from "./canary-trigger.js";
import { leakPolicyOf } from "./leak-policy.js";

/** Who found the key: GitHub's secret scanning (with where), or anyone through the public endpoint. */
export type LeakReporter = { kind: "github"; url: string; source: string } | { kind: "public"; ip: string };

export type LeakOutcome = "revoked" | "notified" | "already_revoked" | "canary" | "not_a_key";

function reporterLabel(reporter: LeakReporter): string {
  return reporter.kind === "github" ? "Secret scanning (GitHub)" : "Public revocation";
}

/**
 * Handles one reported secret by its account's leak policy: revoke (default) or notify only. A canary
 * raises its alert instead. Everything is audited with where it was found (or the reporter's IP).
 */
export async function handleLeakedKey(
  ctx: Context,
  options: { secret: string; reporter: LeakReporter },
): Promise<LeakOutcome> {
  const { secret, reporter } = options;
  if (!isWellFormedKey(secret)) return "not_a_key";
  const hash = hashKey(secret);
  const found = await ctx.db
    .selectFrom("api_keys as k")
    .innerJoin("users as u", "u.id", "k.owner_user_id")
    .select(["k.id", "k.account_id", "k.name", "k.hint", "k.owner_user_id", "k.is_canary", "u.email"])
    .where((eb) => eb.or([eb("k.key_hash", "=", hash), eb("k.previous_key_hash", "=", hash)]))
    .executeTakeFirst();
  if (!found) return "not_a_key";
  const key = {
    id: found.id,
    name: found.name,
    hint: found.hint,
    ownerId: found.owner_user_id,
    ownerEmail: found.email,
  };
  const where =
    reporter.kind === "github"
      ? { url: reporter.url, source: reporter.source }
      : { url: "a public report", source: "public" };
  const actor = {
    type: "anonymous" as const,
    label: reporterLabel(reporter),
    ip: reporter.kind === "public" ? reporter.ip : null,
  };
  if (found.is_canary === 1) {
    await recordCanaryTrigger(ctx.db, { accountId: found.account_id, key, actor, found: where });
    return "canary";
  }
  const policy = await leakPolicyOf(ctx.db, found.account_id);
  const outcome = await ctx.db.transaction().execute(async (trx): Promise<LeakOutcome> => {
    await lockKeyForChange(trx, found.account_id, found.id);
    const current = await trx
      .selectFrom("api_keys")
      .select("revoked_at")
      .where("id", "=", found.id)
      .executeTakeFirstOrThrow();
    const isRevoking = policy === "revoke" && current.revoked_at === null;
    const now = nowIso();
    if (isRevoking) {
      await trx
        .updateTable("api_keys")
        .set({ revoked_at: now, revoked_by_user_id: null, leaked_at: now, leak_url: where.url })
        .where("id", "=", found.id)
        .where("revoked_at", "is", null)
        .execute();
    }
    await recordAuditEvent(trx, {
      accountId: found.account_id,
      actor,
      action: isRevoking ? "api_key.revoked" : "api_key.leaked",
      target: { type: "api_key", id: found.id },
      details: {
        name: found.name,
        owner: found.email,
        hint: found.hint,
        foundAt: where.url,
        source: where.source,
        policy,
        outcome: isRevoking ? "revoked" : current.revoked_at === null ? "notified" : "already_revoked",
      },
    });
    if (current.revoked_at !== null) return "already_revoked";
    const reason = isRevoking ? "revoked" : "notified";
    await recordDomainEvent(trx, {
      accountId: found.account_id,
      type: "key.leaked",
      data: { key, reason, url: where.url, source: where.source, reporter: actor.label },
    });
    if (isRevoking) {
      await recordDomainEvent(trx, {
        accountId: found.account_id,
        type: "key.revoked",
        data: { key, actor: actor.label, actorUserId: null, reason: "leaked" },
      });
      return "revoked";
    }
    return "notified";
  });
  if (outcome === "revoked") await ctx.changes.keyChanged(found.id);
  return outcome;
}
