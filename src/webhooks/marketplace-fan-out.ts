import type { Db } from "../db/database.js";
import { queueDeliveries, webhookPayload } from "./fan-out.js";
import { skipLocked } from "./outbox-worker.js";

/**
 * Sends the marketplace's own events (marketplace_events, in commit order per account) to subscribed
 * endpoints. Each account's cursor row is locked while its events are fanned out and moved in the same
 * transaction, so every event is queued once, whichever instance gets there.
 */
export async function dispatchMarketplaceEvents(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const cursors = await skipLocked(
      trx,
      trx.selectFrom("webhook_marketplace_cursors").selectAll().orderBy("account_id").limit(50),
    );
    for (const cursor of cursors) {
      const events = await trx
        .selectFrom("marketplace_events")
        .selectAll()
        .where("account_id", "=", cursor.account_id)
        .where("seq", ">", cursor.last_seq)
        .orderBy("seq")
        .limit(200)
        .execute();
      const last = events.at(-1);
      if (last === undefined) continue;
      for (const event of events) {
        const id = `ev_${String(event.seq).padStart(12, "0")}`;
        await queueDeliveries(trx, {
          accountId: event.account_id,
          eventId: id,
          type: event.type,
          payload: webhookPayload({
            id,
            type: event.type,
            createdAt: event.created_at,
            data: {
              resource: { type: event.resource_type, id: event.resource_id },
              data: JSON.parse(event.data),
            },
          }),
        });
      }
      await trx
        .updateTable("webhook_marketplace_cursors")
        .set({ last_seq: Number(last.seq) })
        .where("account_id", "=", cursor.account_id)
        .execute();
    }
  });
}
