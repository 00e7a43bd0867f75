import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import { type Actor, isAdministrator } from "../users/actor.js";

export interface ListAuditEventsOptions {
  actor: Actor;
  action?: string | undefined;
  actorId?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface AuditEventView {
  id: string;
  action: string;
  actor: { id: string | null; label: string };
  target: { type: string; id: string };
  ip: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface ListAuditEventsResult {
  items: AuditEventView[];
  nextCursor: string | null;
}

/** The account's audit trail, newest first; Administrators only. The cursor is the last event id. */
export async function listAuditEvents(
  db: Db,
  options: ListAuditEventsOptions,
): Promise<ListAuditEventsResult> {
  const { actor } = options;
  if (!isAdministrator(actor)) {
    throw new AppError("administrator_required", "Only an Administrator can read the audit log.");
  }
  const limit = options.limit ?? 50;
  let query = db
    .selectFrom("audit_events")
    .selectAll()
    .where("account_id", "=", actor.accountId)
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (options.action) query = query.where("action", "=", options.action);
  if (options.actorId) query = query.where("actor_user_id", "=", options.actorId);
  if (options.cursor) query = query.where("id", "<", options.cursor);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map((row) => ({
      id: row.id,
      action: row.action,
      actor: { id: row.actor_user_id, label: row.actor_label },
      target: { type: row.target_type, id: row.target_id },
      ip: row.ip,
      details: JSON.parse(row.details) as Record<string, unknown>,
      createdAt: row.created_at,
    })),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
