import * as z from "zod";
import type { Db } from "../db/database.js";
import { notFound } from "../errors.js";
import { timestampSchema } from "../shared/schemas.js";
import { nowIso } from "../shared/time.js";
import { type Actor, requireUser } from "../users/actor.js";

/** One item of the console's bell. */
export const inboxItemSchema = z
  .object({
    id: z.string(),
    type: z.string().describe("The event, e.g. key.leaked."),
    title: z.string(),
    body: z.string(),
    keyId: z.string().nullable().describe("The key it is about; the console links to it."),
    createdAt: timestampSchema,
    readAt: timestampSchema.nullable(),
  })
  .meta({ id: "InboxItem" });
export type InboxItem = z.infer<typeof inboxItemSchema>;

export const inboxSchema = z
  .object({ unread: z.number().int(), items: z.array(inboxItemSchema) })
  .meta({ id: "Inbox" });

/** The signed-in user's latest notifications (50) and how many are unread. */
export async function listInbox(db: Db, options: { actor: Actor }): Promise<z.infer<typeof inboxSchema>> {
  const user = requireUser(options.actor);
  const rows = await db
    .selectFrom("inbox_notifications")
    .selectAll()
    .where("user_id", "=", user.userId)
    .where("account_id", "=", user.accountId)
    .orderBy("id", "desc")
    .limit(50)
    .execute();
  const unread = await db
    .selectFrom("inbox_notifications")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("user_id", "=", user.userId)
    .where("account_id", "=", user.accountId)
    .where("read_at", "is", null)
    .executeTakeFirst();
  return {
    unread: Number(unread?.n ?? 0),
    items: rows.map((row) => ({
      id: row.id,
      type: row.event_type,
      title: row.title,
      body: row.body,
      keyId: row.key_id,
      createdAt: row.created_at,
      readAt: row.read_at,
    })),
  };
}

/** Marks one notification (or, without an id, all of them) read; only the user's own. */
export async function markInboxRead(
  db: Db,
  options: { actor: Actor; notificationId?: string },
): Promise<void> {
  const user = requireUser(options.actor);
  let update = db
    .updateTable("inbox_notifications")
    .set({ read_at: nowIso() })
    .where("user_id", "=", user.userId)
    .where("account_id", "=", user.accountId)
    .where("read_at", "is", null);
  if (options.notificationId !== undefined) update = update.where("id", "=", options.notificationId);
  const result = await update.executeTakeFirst();
  if (options.notificationId !== undefined && Number(result.numUpdatedRows) === 0) {
    const exists = await db
      .selectFrom("inbox_notifications")
      .select("id")
      .where("id", "=", options.notificationId)
      .where("user_id", "=", user.userId)
      .executeTakeFirst();
    if (!exists) throw notFound("Notification");
  }
}
