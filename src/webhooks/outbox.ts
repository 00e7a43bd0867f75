import type { Db } from "../db/database.js";
import { newId } from "../shared/ids.js";
import { nowIso } from "../shared/time.js";
import type { DomainEventType } from "./event-types.js";

/** A key as events describe it: never its secret or hash, only what people see. */
export interface KeyRef {
  id: string;
  name: string;
  hint: string;
  ownerId: string;
  ownerEmail?: string;
}

export interface RecordDomainEventOptions {
  accountId: string;
  type: DomainEventType;
  /** The event's data; callers pass ids, names and hints, never a secret. */
  data: Record<string, unknown>;
}

/**
 * Appends an event to the outbox. Call it inside the transaction that makes the change: the event
 * exists exactly when the change does, and the worker (src/webhooks/outbox-worker.ts) fans it out to
 * webhooks, email and the console's inbox after commit — across restarts and instances.
 */
export async function recordDomainEvent(trx: Db, options: RecordDomainEventOptions): Promise<string> {
  const id = newId("evt");
  await trx
    .insertInto("outbox_events")
    .values({
      id,
      account_id: options.accountId,
      type: options.type,
      data: JSON.stringify(options.data),
      created_at: nowIso(),
    })
    .execute();
  return id;
}
