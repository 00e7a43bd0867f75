import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Db } from "../db/database.js";
import { newId } from "../shared/ids.js";
import { disableAfterSeconds, maxAttempts, retryDelayMs } from "./retry-schedule.js";
import type { SendResult } from "./send.js";

/**
 * Writes one attempt's outcome: delivered, retried later (backoff with jitter), or given up after the
 * last attempt. A run of failures lasting a day disables the endpoint and tells the Administrators.
 */
export async function recordAttempt(
  db: Db,
  options: { deliveryId: string; result: SendResult; timeScale: number; isFinal?: boolean },
): Promise<void> {
  const { deliveryId, result, timeScale } = options;
  await db.transaction().execute(async (trx) => {
    const delivery = await trx
      .selectFrom("webhook_deliveries")
      .select(["attempts", "endpoint_id", "account_id", "status"])
      .where("id", "=", deliveryId)
      .executeTakeFirst();
    if (delivery?.status !== "pending") return;
    const attempt = delivery.attempts + 1;
    const now = new Date();
    const nowText = now.toISOString();
    await trx
      .insertInto("webhook_attempts")
      .values({
        delivery_id: deliveryId,
        attempt,
        attempted_at: nowText,
        status_code: result.statusCode ?? null,
        response_ms: result.responseMs,
        error: result.error ?? null,
      })
      .execute();
    const isDelivered = result.error === undefined;
    const waitMs = isDelivered || options.isFinal ? undefined : retryDelayMs(attempt, timeScale);
    await trx
      .updateTable("webhook_deliveries")
      .set({
        attempts: attempt,
        status: isDelivered
          ? "delivered"
          : waitMs === undefined || attempt >= maxAttempts
            ? "failed"
            : "pending",
        next_attempt_at: waitMs === undefined ? nowText : new Date(now.getTime() + waitMs).toISOString(),
        locked_until: null,
        last_status_code: result.statusCode ?? null,
        last_response_ms: result.responseMs,
        last_error: result.error ?? null,
        ...(isDelivered ? { delivered_at: nowText } : {}),
      })
      .where("id", "=", deliveryId)
      .execute();
    if (isDelivered) {
      await trx
        .updateTable("webhook_endpoints")
        .set({ failing_since: null })
        .where("id", "=", delivery.endpoint_id)
        .where("failing_since", "is not", null)
        .execute();
      return;
    }
    await trx
      .updateTable("webhook_endpoints")
      .set({ failing_since: nowText })
      .where("id", "=", delivery.endpoint_id)
      .where("failing_since", "is", null)
      .execute();
    await disableIfFailingTooLong(trx, delivery.endpoint_id, now, timeScale);
  });
}

async function disableIfFailingTooLong(
  trx: Db,
  endpointId: string,
  now: Date,
  timeScale: number,
): Promise<void> {
  const endpoint = await trx
    .selectFrom("webhook_endpoints")
    .select(["id", "account_id", "url", "failing_since", "is_enabled"])
    .where("id", "=", endpointId)
    .executeTakeFirst();
  if (endpoint?.is_enabled !== 1 || endpoint.failing_since === null) return;
  const failingMs = now.getTime() - Date.parse(endpoint.failing_since);
  if (failingMs < disableAfterSeconds * 1000 * timeScale) return;
  const reason = "Disabled by Keyward: every delivery failed for a day.";
  await trx
    .updateTable("webhook_endpoints")
    .set({ is_enabled: 0, disabled_reason: reason, updated_at: now.toISOString() })
    .where("id", "=", endpointId)
    .execute();
  // What was still waiting will not be sent: it is marked failed, visible in the delivery log.
  await trx
    .updateTable("webhook_deliveries")
    .set({ status: "failed", last_error: "the endpoint was disabled", locked_until: null })
    .where("endpoint_id", "=", endpointId)
    .where("status", "=", "pending")
    .execute();
  await recordAuditEvent(trx, {
    accountId: endpoint.account_id,
    actor: { type: "anonymous", label: "Keyward webhooks", ip: null },
    action: "webhook.endpoint_disabled",
    target: { type: "webhook_endpoint", id: endpointId },
    details: { url: endpoint.url, failingSince: endpoint.failing_since },
  });
  // Told through the outbox like everything else (console and email; not as a webhook to itself).
  await trx
    .insertInto("outbox_events")
    .values({
      id: newId("evt"),
      account_id: endpoint.account_id,
      type: "webhook.endpoint_disabled",
      data: JSON.stringify({ endpoint: { id: endpointId, url: endpoint.url } }),
      created_at: now.toISOString(),
    })
    .execute();
}
