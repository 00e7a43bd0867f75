import type { Db } from "../db/database.js";
import { lockNameForTransaction } from "../db/locks.js";
import { newId } from "../shared/ids.js";
import { nowIso } from "../shared/time.js";
import { type Actor, actorLabel, actorUserId } from "../users/actor.js";
import type { AuditAction } from "./audit-actions.js";
import { type ChainedAuditEvent, hashAuditEvent } from "./audit-chain.js";

export interface RecordAuditEventOptions {
  accountId: string;
  actor: Actor | { type: "anonymous"; label: string; ip: string | null };
  action: AuditAction;
  target: { type: "account" | "user" | "api_key" | "webhook_endpoint" | "service_token"; id: string };
  /** Before/after of what changed. Callers pass names and permissions, never a secret. */
  details?: Record<string, unknown>;
}

/**
 * Appends one event to its account's hash chain. Call it inside the transaction that makes the change,
 * after the change's own writes, so both land or neither; outside a transaction it opens one.
 */
export async function recordAuditEvent(db: Db, options: RecordAuditEventOptions): Promise<void> {
  if (!db.isTransaction) {
    await db.transaction().execute((trx) => recordAuditEvent(trx, options));
    return;
  }
  const { actor, accountId } = options;
  // One writer per account chain at a time, on every instance: the next seq and the previous hash are
  // read under the lock, so two events can never claim the same place (unique (account_id, seq) is the
  // backstop). Taken after the change's writes: whoever holds it waits for no row another writer
  // holds, so it can't close a cycle of waits (a deadlock).
  await lockNameForTransaction(db, "keyward.audit_chain", accountId);
  const last = await db
    .selectFrom("audit_events")
    .select(["seq", "hash"])
    .where("account_id", "=", accountId)
    .where("seq", "is not", null)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  const detailsText = JSON.stringify(options.details ?? {});
  const event: ChainedAuditEvent = {
    id: newId("evt"),
    accountId,
    seq: (last?.seq ?? 0) + 1,
    actor: {
      id: actor.type === "anonymous" ? null : actorUserId(actor),
      label: actor.type === "anonymous" ? actor.label : actorLabel(actor),
    },
    action: options.action,
    target: { type: options.target.type, id: options.target.id },
    ip: actor.ip,
    // Hashed as a reader will parse it back from the stored text (undefined fields dropped and so on).
    details: JSON.parse(detailsText),
    createdAt: nowIso(),
    prevHash: last?.hash ?? null,
  };
  await db
    .insertInto("audit_events")
    .values({
      id: event.id,
      account_id: accountId,
      actor_user_id: event.actor.id,
      actor_label: event.actor.label,
      action: event.action,
      target_type: event.target.type,
      target_id: event.target.id,
      ip: event.ip,
      details: detailsText,
      created_at: event.createdAt,
      seq: event.seq,
      prev_hash: event.prevHash,
      hash: hashAuditEvent(event),
    })
    .execute();
}
