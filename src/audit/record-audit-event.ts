import type { Db } from "../db/database.js";
import { newId } from "../shared/ids.js";
import { nowIso } from "../shared/time.js";
import { type Actor, actorLabel, actorUserId } from "../users/actor.js";

export type AuditAction =
  | "account.created"
  | "user.created"
  | "user.deactivated"
  | "user.api_access_granted"
  | "user.api_access_removed"
  | "user.signed_in"
  | "user.sign_in_failed"
  | "api_key.created"
  | "api_key.updated"
  | "api_key.revoked";

export const auditActions: AuditAction[] = [
  "account.created",
  "user.created",
  "user.deactivated",
  "user.api_access_granted",
  "user.api_access_removed",
  "user.signed_in",
  "user.sign_in_failed",
  "api_key.created",
  "api_key.updated",
  "api_key.revoked",
];

export interface RecordAuditEventOptions {
  accountId: string;
  actor: Actor | { type: "anonymous"; label: string; ip: string | null };
  action: AuditAction;
  target: { type: "account" | "user" | "api_key"; id: string };
  /** Before/after of what changed. Callers pass names and permissions, never a secret. */
  details?: Record<string, unknown>;
}

/** Appends one event; call it inside the transaction that makes the change, so both land or neither. */
export async function recordAuditEvent(db: Db, options: RecordAuditEventOptions): Promise<void> {
  const { actor } = options;
  await db
    .insertInto("audit_events")
    .values({
      id: newId("evt"),
      account_id: options.accountId,
      actor_user_id: actor.type === "anonymous" ? null : actorUserId(actor),
      actor_label: actor.type === "anonymous" ? actor.label : actorLabel(actor),
      action: options.action,
      target_type: options.target.type,
      target_id: options.target.id,
      ip: actor.ip,
      details: JSON.stringify(options.details ?? {}),
      created_at: nowIso(),
    })
    .execute();
}
