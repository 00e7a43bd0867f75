import type { Db } from "../db/database.js";
import { messageFor } from "../inbox/messages.js";
import { newId } from "../shared/ids.js";
import { nowIso } from "../shared/time.js";
import type { OutboxEventsTable } from "./tables.js";

export interface FanOutSettings {
  /** Email is configured (KEYWARD_SMTP_URL): messages are queued for the mailer. */
  isEmailOn: boolean;
  /** KEYWARD_PUBLIC_URL: links in emails point here. */
  publicUrl: string;
}

/** The body every delivery of an event carries (the Standard Webhooks envelope). */
export function webhookPayload(event: {
  id: string;
  type: string;
  createdAt: string;
  data: unknown;
}): string {
  return JSON.stringify({ id: event.id, type: event.type, timestamp: event.createdAt, data: event.data });
}

/**
 * Turns one event into its deliveries (one per subscribed, enabled endpoint), console notifications and
 * emails. Runs inside the transaction that marks the event dispatched, so each happens exactly once.
 */
export async function fanOutEvent(
  trx: Db,
  event: OutboxEventsTable,
  settings: FanOutSettings,
): Promise<void> {
  const data: unknown = JSON.parse(event.data);
  await queueDeliveries(trx, {
    accountId: event.account_id,
    eventId: event.id,
    type: event.type,
    payload: webhookPayload({ id: event.id, type: event.type, createdAt: event.created_at, data }),
  });
  const message = messageFor(event.type, data);
  if (message === undefined) return;
  const recipients = await recipientsOf(trx, event.account_id, message.audience, data);
  const now = nowIso();
  for (const recipient of recipients) {
    await trx
      .insertInto("inbox_notifications")
      .values({
        id: newId("ntf"),
        account_id: event.account_id,
        user_id: recipient.id,
        event_id: event.id,
        event_type: event.type,
        title: message.title,
        body: message.body,
        key_id: message.keyId,
        created_at: now,
      })
      .execute();
    if (!settings.isEmailOn || !message.isEmailed) continue;
    const link = `${settings.publicUrl.replace(/\/$/, "")}/account/api-keys${message.keyId ? `?key=${message.keyId}` : ""}`;
    await trx
      .insertInto("email_messages")
      .values({
        id: newId("eml"),
        account_id: event.account_id,
        event_id: event.id,
        to_address: recipient.email,
        subject: `[Keyward] ${message.title}`,
        body: `${message.title}.\n\n${message.body}\n\n${link}\n`,
        status: "pending",
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      })
      .execute();
  }
}

/** One delivery per enabled endpoint of the account subscribed to the type ("*": every type). */
export async function queueDeliveries(
  trx: Db,
  options: { accountId: string; eventId: string; type: string; payload: string; endpointId?: string },
): Promise<number> {
  let query = trx
    .selectFrom("webhook_endpoints")
    .select(["id", "events"])
    .where("account_id", "=", options.accountId)
    .where("is_enabled", "=", 1);
  if (options.endpointId !== undefined) query = query.where("id", "=", options.endpointId);
  const endpoints = await query.execute();
  const now = nowIso();
  let queued = 0;
  for (const endpoint of endpoints) {
    const events = JSON.parse(endpoint.events) as string[];
    if (options.endpointId === undefined && !events.includes("*") && !events.includes(options.type)) continue;
    await trx
      .insertInto("webhook_deliveries")
      .values({
        id: newId("msg"),
        account_id: options.accountId,
        endpoint_id: endpoint.id,
        event_id: options.eventId,
        event_type: options.type,
        payload: options.payload,
        status: "pending",
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      })
      .execute();
    queued++;
  }
  return queued;
}

interface Recipient {
  id: string;
  email: string;
}

async function recipientsOf(
  trx: Db,
  accountId: string,
  audience: Array<"owner" | "administrators" | "subject">,
  raw: unknown,
): Promise<Recipient[]> {
  const data = raw as { key?: { ownerId: string }; user?: { id: string } };
  const ids = new Set<string>();
  if (audience.includes("owner") && data.key) ids.add(data.key.ownerId);
  if (audience.includes("subject") && data.user) ids.add(data.user.id);
  let query = trx
    .selectFrom("users")
    .select(["id", "email"])
    .where("account_id", "=", accountId)
    .where("deactivated_at", "is", null);
  const wantsAdministrators = audience.includes("administrators");
  if (!wantsAdministrators && ids.size === 0) return [];
  query = query.where((eb) => {
    const conditions = [];
    if (ids.size > 0) conditions.push(eb("id", "in", [...ids]));
    if (wantsAdministrators) conditions.push(eb("role", "=", "administrator"));
    return eb.or(conditions);
  });
  return query.orderBy("id").execute();
}
