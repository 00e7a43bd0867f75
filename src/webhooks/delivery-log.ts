import * as z from "zod";
import type { Context } from "../context.js";
import type { Db } from "../db/database.js";
import { newId } from "../shared/ids.js";
import { timestampSchema } from "../shared/schemas.js";
import { nowIso } from "../shared/time.js";
import { type Actor, actorLabel, requireAdministrator } from "../users/actor.js";
import { getEndpoint, listEndpoints, webhookEndpointSchema } from "./endpoints.js";
import { testEventType } from "./event-types.js";
import { queueDeliveries, webhookPayload } from "./fan-out.js";

export const deliverySchema = z
  .object({
    id: z.string().describe("The webhook-id header of every attempt."),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(["pending", "delivered", "failed"]),
    attempts: z.number().int(),
    nextAttemptAt: timestampSchema.nullable().describe("When a pending delivery is tried next."),
    lastStatusCode: z.number().int().nullable(),
    lastResponseMs: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: timestampSchema,
    deliveredAt: timestampSchema.nullable(),
    attemptLog: z.array(
      z.object({
        attempt: z.number().int(),
        at: timestampSchema,
        statusCode: z.number().int().nullable(),
        responseMs: z.number().int(),
        error: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: "WebhookDelivery" });
export type DeliveryView = z.infer<typeof deliverySchema>;

/** An endpoint as the Webhooks list shows it: with how its latest delivery went. */
export const webhookEndpointSummarySchema = webhookEndpointSchema
  .extend({
    lastDelivery: z
      .object({
        eventType: z.string(),
        status: z.enum(["pending", "delivered", "failed"]),
        statusCode: z.number().int().nullable(),
        at: timestampSchema.describe("When it was delivered, or else queued."),
      })
      .nullable()
      .describe("The latest delivery to it; null before the first."),
  })
  .meta({ id: "WebhookEndpointSummary" });
export type WebhookEndpointSummary = z.infer<typeof webhookEndpointSummarySchema>;

/** The account's endpoints, each with its latest delivery (Administrators only). */
export async function listEndpointSummaries(
  db: Db,
  options: { actor: Actor },
): Promise<WebhookEndpointSummary[]> {
  const endpoints = await listEndpoints(db, options);
  return Promise.all(
    endpoints.map(async (endpoint) => {
      const latest = await db
        .selectFrom("webhook_deliveries")
        .select(["event_type", "status", "last_status_code", "created_at", "delivered_at"])
        .where("endpoint_id", "=", endpoint.id)
        .where("account_id", "=", options.actor.accountId)
        .orderBy("id", "desc")
        .limit(1)
        .executeTakeFirst();
      return {
        ...endpoint,
        lastDelivery: latest
          ? {
              eventType: latest.event_type,
              status: latest.status,
              statusCode: latest.last_status_code,
              at: latest.delivered_at ?? latest.created_at,
            }
          : null,
      };
    }),
  );
}

/** An endpoint's latest deliveries (100) with every attempt: status codes, response times, errors. */
export async function listDeliveries(
  db: Db,
  options: { actor: Actor; endpointId: string },
): Promise<DeliveryView[]> {
  const { actor, endpointId } = options;
  requireAdministrator(actor);
  await getEndpoint(db, actor.accountId, endpointId);
  const rows = await db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("endpoint_id", "=", endpointId)
    .where("account_id", "=", actor.accountId)
    .orderBy("id", "desc")
    .limit(100)
    .execute();
  const attempts =
    rows.length === 0
      ? []
      : await db
          .selectFrom("webhook_attempts")
          .selectAll()
          .where(
            "delivery_id",
            "in",
            rows.map((row) => row.id),
          )
          .orderBy("attempt")
          .execute();
  return rows.map((row) => ({
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? row.next_attempt_at : null,
    lastStatusCode: row.last_status_code,
    lastResponseMs: row.last_response_ms,
    lastError: row.last_error,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    attemptLog: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({
        attempt: attempt.attempt,
        at: attempt.attempted_at,
        statusCode: attempt.status_code,
        responseMs: attempt.response_ms,
        error: attempt.error,
      })),
  }));
}

/** Queues a `webhook.test` event to one endpoint (enabled or not is checked on sending). */
export async function sendTestEvent(
  ctx: Context,
  options: { actor: Actor; endpointId: string },
): Promise<{ eventId: string }> {
  const { actor, endpointId } = options;
  requireAdministrator(actor);
  const eventId = newId("evt");
  await ctx.db.transaction().execute(async (trx) => {
    await getEndpoint(trx, actor.accountId, endpointId);
    await queueDeliveries(trx, {
      accountId: actor.accountId,
      eventId,
      type: testEventType,
      endpointId,
      payload: webhookPayload({
        id: eventId,
        type: testEventType,
        createdAt: nowIso(),
        data: { message: "A test event from Keyward.", sentBy: actorLabel(actor) },
      }),
    });
  });
  return { eventId };
}
