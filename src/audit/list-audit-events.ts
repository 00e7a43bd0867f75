import * as z from "zod";
import type { Db } from "../db/database.js";
import { AppError, invalidField } from "../errors.js";
import { decodeCursor, type Page, resolveLimit, toPage } from "../shared/pagination.js";
import { timestampSchema } from "../shared/schemas.js";
import { type Actor, isAdministrator } from "../users/actor.js";
import { type AuditAction, auditActionIds } from "./audit-actions.js";

export interface ListAuditEventsOptions {
  actor: Actor;
  action?: AuditAction | undefined;
  actorId?: string | undefined;
  /** Events at or after this instant (ISO-8601). */
  from?: string | undefined;
  /** Events before this instant (ISO-8601): `to` itself is excluded, so days chain without overlap. */
  to?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** One audit event as Administrators read it: who, what, on what, from where, and what changed. */
export const auditEventSchema = z
  .object({
    id: z.string(),
    action: z.enum(auditActionIds),
    actor: z.object({
      id: z.string().nullable(),
      label: z.string().describe('An email, or "cli" for the operator\'s command line.'),
    }),
    target: z.object({ type: z.string(), id: z.string() }),
    ip: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).describe("Before/after of what changed; never a secret."),
    createdAt: timestampSchema,
  })
  .meta({ id: "AuditEvent" });
export type AuditEventView = z.infer<typeof auditEventSchema>;

/** The account's audit trail, newest first; Administrators only.  */
export async function listAuditEvents(
  db: Db,
  options: ListAuditEventsOptions,
): Promise<Page<AuditEventView>> {
  const { actor } = options;
  if (!isAdministrator(actor)) {
    throw new AppError("administrator_required", "Only an Administrator can read the audit log.");
  }
  const from = options.from === undefined ? undefined : new Date(options.from).toISOString();
  const to = options.to === undefined ? undefined : new Date(options.to).toISOString();
  if (from !== undefined && to !== undefined && from >= to) {
    throw invalidField("to", "must be later than from.");
  }
  const limit = resolveLimit(options.limit);
  const after = decodeCursor(options.cursor, 1);
  let query = db
    .selectFrom("audit_events")
    .selectAll()
    .where("account_id", "=", actor.accountId)
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (options.action) query = query.where("action", "=", options.action);
  if (options.actorId) query = query.where("actor_user_id", "=", options.actorId);
  // created_at is written by toISOString() too, so text order is time order on both backends.
  if (from !== undefined) query = query.where("created_at", ">=", from);
  if (to !== undefined) query = query.where("created_at", "<", to);
  if (after !== undefined) query = query.where("id", "<", after[0] ?? "");
  return toPage(
    await query.execute(),
    limit,
    (row) => [row.id],
    (row) => ({
      id: row.id,
      action: row.action as AuditAction,
      actor: { id: row.actor_user_id, label: row.actor_label },
      target: { type: row.target_type, id: row.target_id },
      ip: row.ip,
      details: JSON.parse(row.details) as Record<string, unknown>,
      createdAt: row.created_at,
    }),
  );
}
