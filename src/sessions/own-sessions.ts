import * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Db } from "../db/database.js";
import { AppError, notFound } from "../errors.js";
import { timestampSchema } from "../shared/schemas.js";
import { type Actor, requireUser } from "../users/actor.js";
import { hashSessionToken, isExpired, type SessionPolicy } from "./sessions.js";

/** One of the signed-in user's sessions as they see it: never the token or its hash. */
export const ownSessionSchema = z
  .object({
    id: z.string().describe("The session's public id (`ses_…`)."),
    createdAt: timestampSchema.describe("When the user signed in."),
    lastSeenAt: timestampSchema.describe("Last used, to the minute."),
    ip: z.string().nullable().describe("The address it signed in from."),
    isCurrent: z.boolean().describe("The session making this request."),
  })
  .meta({ id: "OwnSession" });
export type OwnSessionView = z.infer<typeof ownSessionSchema>;

export interface OwnSessionsOptions {
  actor: Actor;
  /** The token of the session making the request (the cookie), to tell which one is current. */
  currentToken: string;
}

/** The user's sessions that are still open, newest first, the current one marked. */
export async function listOwnSessions(
  db: Db,
  options: OwnSessionsOptions & { policy: SessionPolicy },
): Promise<OwnSessionView[]> {
  const actor = requireUser(options.actor);
  const currentHash = hashSessionToken(options.currentToken);
  const rows = await db
    .selectFrom("sessions")
    .select(["id_hash", "public_id", "created_at", "last_seen_at", "ip"])
    .where("user_id", "=", actor.userId)
    .orderBy("created_at", "desc")
    .orderBy("public_id", "desc")
    .execute();
  const now = Date.now();
  return rows
    .filter((row) => !isExpired(row, options.policy, now))
    .map((row) => ({
      id: row.public_id,
      createdAt: row.created_at,
      lastSeenAt: row.last_seen_at,
      ip: row.ip,
      isCurrent: row.id_hash === currentHash,
    }));
}

/** Ends one of the user's other sessions (signs that browser out); the current one is ended by signing out. */
export async function endOwnSession(
  db: Db,
  options: OwnSessionsOptions & { sessionId: string },
): Promise<void> {
  const actor = requireUser(options.actor);
  const currentHash = hashSessionToken(options.currentToken);
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("sessions")
      .select("id_hash")
      .where("public_id", "=", options.sessionId)
      .where("user_id", "=", actor.userId)
      .executeTakeFirst();
    if (!row) throw notFound("Session");
    if (row.id_hash === currentHash) {
      throw new AppError("conflict", "That is the session you are using now: sign out to end it.");
    }
    await trx.deleteFrom("sessions").where("id_hash", "=", row.id_hash).execute();
    await recordSessionsEnded(trx, actor, 1);
  });
}

/** Ends every session of the user but the current one; answers how many ended. */
export async function endOtherOwnSessions(db: Db, options: OwnSessionsOptions): Promise<number> {
  const actor = requireUser(options.actor);
  return db.transaction().execute(async (trx) => {
    const ended = await endSessionsOfUser(trx, actor.userId, { except: options.currentToken });
    if (ended > 0) await recordSessionsEnded(trx, actor, ended);
    return ended;
  });
}

/** Deletes a user's sessions, all of them or all but one; answers how many. */
export async function endSessionsOfUser(
  db: Db,
  userId: string,
  options: { except?: string | undefined } = {},
): Promise<number> {
  let query = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (options.except !== undefined) query = query.where("id_hash", "!=", hashSessionToken(options.except));
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

async function recordSessionsEnded(db: Db, actor: Extract<Actor, { type: "user" }>, count: number) {
  await recordAuditEvent(db, {
    accountId: actor.accountId,
    actor,
    action: "user.sessions_ended",
    target: { type: "user", id: actor.userId },
    details: { endedSessions: count },
  });
}
