import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { AppError } from "../errors.js";
import { nowIso } from "../shared/time.js";
import { type Actor, actorLabel, actorUserId, isAdministrator } from "../users/actor.js";
import { recordDomainEvent } from "../webhooks/outbox.js";
import { keyRefOf } from "./key-ref.js";
import { type ApiKeyView, getKey } from "./key-view.js";
import { lockKeyForChange } from "./lock-key.js";

export interface RevokeKeyOptions {
  actor: Actor;
  keyId: string;
}

/**
 * Permanently revokes a key; Administrators only. Before this returns the change is committed, this
 * instance's cache has dropped the key and, on PostgreSQL, every other subscribed instance has
 * acknowledged dropping it (or been cut off from its cache): a request made after the response is
 * rejected everywhere.
 */
export async function revokeKey(ctx: Context, options: RevokeKeyOptions): Promise<ApiKeyView> {
  const { actor, keyId } = options;
  if (!isAdministrator(actor)) {
    throw new AppError("administrator_required", "Only an Administrator can revoke API keys.");
  }
  await ctx.db.transaction().execute(async (trx) => {
    await lockKeyForChange(trx, actor.accountId, keyId);
    const before = await getKey(trx, { actor, keyId });
    if (before.status === "revoked") throw new AppError("conflict", "This API key is already revoked.");
    await trx
      .updateTable("api_keys")
      .set({ revoked_at: nowIso(), revoked_by_user_id: actorUserId(actor) })
      .where("id", "=", keyId)
      .where("account_id", "=", actor.accountId)
      .where("revoked_at", "is", null)
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "api_key.revoked",
      target: { type: "api_key", id: keyId },
      details: { name: before.name, owner: before.owner.email, hint: before.hint },
    });
    await recordDomainEvent(trx, {
      accountId: actor.accountId,
      type: "key.revoked",
      data: { key: keyRefOf(before), actor: actorLabel(actor), actorUserId: actorUserId(actor) },
    });
  });
  await ctx.changes.keyChanged(keyId);
  return getKey(ctx.db, { actor, keyId });
}
