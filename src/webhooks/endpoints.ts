import * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import type { Db } from "../db/database.js";
import { invalidField, notFound } from "../errors.js";
import { newId } from "../shared/ids.js";
import { timestampSchema } from "../shared/schemas.js";
import { nowIso } from "../shared/time.js";
import { parseInput } from "../shared/validation.js";
import { type Actor, requireAdministrator } from "../users/actor.js";
import { problemWithUrl } from "./address-guard.js";
import { isWebhookEventType, webhookEventTypes } from "./event-types.js";
import { newSigningSecret } from "./signing.js";
import type { WebhookEndpointsTable } from "./tables.js";

/** An endpoint as Administrators see it: never its secret. */
export const webhookEndpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    events: z.array(z.string()).describe('The event types sent, or ["*"] for all.'),
    isEnabled: z.boolean(),
    disabledReason: z.string().nullable().describe("Why Keyward disabled it, e.g. after a day of failures."),
    failingSince: timestampSchema.nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "WebhookEndpoint" });
export type WebhookEndpointView = z.infer<typeof webhookEndpointSchema>;

const eventsInputSchema = z
  .array(z.string().trim().min(1).max(60))
  .min(1)
  .max(webhookEventTypes.length + 1)
  .describe(`Event types (${webhookEventTypes.join(", ")}), or ["*"] for all.`);

export const createEndpointInputSchema = z.strictObject({
  url: z.string().trim().min(1).max(2000),
  events: eventsInputSchema,
  description: z.string().trim().max(200).optional(),
  isEnabled: z.boolean().optional().describe("false adds it disabled: nothing is sent until it is enabled."),
});

export const updateEndpointInputSchema = z.strictObject({
  url: z.string().trim().min(1).max(2000).optional(),
  events: eventsInputSchema.optional(),
  description: z.string().trim().max(200).optional(),
  isEnabled: z.boolean().optional(),
});

export interface EndpointSettings {
  /** KEYWARD_WEBHOOKS_ALLOW_PRIVATE: http and private addresses accepted (tests, private deployments). */
  allowPrivate: boolean;
}

export function toEndpointView(row: WebhookEndpointsTable): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events) as string[],
    isEnabled: row.is_enabled === 1,
    disabledReason: row.disabled_reason,
    failingSince: row.failing_since,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** "all", "*" or a list of known event types; an unknown type is refused by name. */
export function normalizeEvents(events: string[]): string[] {
  if (events.some((event) => event === "*" || event === "all")) return ["*"];
  const unknown = events.find((event) => !isWebhookEventType(event));
  if (unknown !== undefined) {
    throw invalidField(
      "events",
      `"${unknown}" is not an event type; use ${webhookEventTypes.join(", ")} or "all".`,
    );
  }
  return [...new Set(events)].sort();
}

async function requireUsableUrl(url: string, settings: EndpointSettings): Promise<void> {
  const problem = await problemWithUrl(url, settings.allowPrivate);
  if (problem !== undefined) throw invalidField("url", problem);
}

export async function getEndpoint(
  db: Db,
  accountId: string,
  endpointId: string,
): Promise<WebhookEndpointsTable> {
  const row = await db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("id", "=", endpointId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  if (!row) throw notFound("Webhook endpoint");
  return row;
}

export async function listEndpoints(db: Db, options: { actor: Actor }): Promise<WebhookEndpointView[]> {
  requireAdministrator(options.actor);
  const rows = await db
    .selectFrom("webhook_endpoints")
    .selectAll()
    .where("account_id", "=", options.actor.accountId)
    .orderBy("id")
    .execute();
  return rows.map(toEndpointView);
}

export interface CreateEndpointResult {
  endpoint: WebhookEndpointView;
  /** `whsec_…`: shown once; deliveries are signed with it. */
  secret: string;
}

/** Adds an endpoint (Administrators only); the URL must be public https unless private ones are allowed. */
export async function createEndpoint(
  ctx: Context,
  options: { actor: Actor; input: z.input<typeof createEndpointInputSchema>; settings: EndpointSettings },
): Promise<CreateEndpointResult> {
  const { actor, settings } = options;
  requireAdministrator(actor);
  const input = parseInput(createEndpointInputSchema, options.input);
  const events = normalizeEvents(input.events);
  await requireUsableUrl(input.url, settings);
  const id = newId("whk");
  const secret = newSigningSecret();
  const now = nowIso();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("webhook_endpoints")
      .values({
        id,
        account_id: actor.accountId,
        url: input.url,
        description: input.description ?? "",
        events: JSON.stringify(events),
        secret,
        is_enabled: input.isEnabled === false ? 0 : 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await startMarketplaceCursor(trx, actor.accountId);
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "webhook.endpoint_created",
      target: { type: "webhook_endpoint", id },
      details: { after: { url: input.url, events, isEnabled: input.isEnabled !== false } },
    });
  });
  return { endpoint: toEndpointView(await getEndpoint(ctx.db, actor.accountId, id)), secret };
}

/** Marketplace events are sent from the first endpoint on, not from the account's beginning. */
async function startMarketplaceCursor(trx: Db, accountId: string): Promise<void> {
  const existing = await trx
    .selectFrom("webhook_marketplace_cursors")
    .select("last_seq")
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  if (existing) return;
  const last = await trx
    .selectFrom("marketplace_events")
    .select((eb) => eb.fn.max("seq").as("seq"))
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  await trx
    .insertInto("webhook_marketplace_cursors")
    .values({ account_id: accountId, last_seq: Number(last?.seq ?? 0) })
    .execute();
}

/** Changes an endpoint's URL, events, description or enabled state (enabling clears a failure run). */
export async function updateEndpoint(
  ctx: Context,
  options: {
    actor: Actor;
    endpointId: string;
    input: z.input<typeof updateEndpointInputSchema>;
    settings: EndpointSettings;
  },
): Promise<WebhookEndpointView> {
  const { actor, endpointId, settings } = options;
  requireAdministrator(actor);
  const input = parseInput(updateEndpointInputSchema, options.input);
  if (Object.values(input).every((value) => value === undefined)) {
    throw invalidField("body", "send at least one of url, events, description, isEnabled.");
  }
  const events = input.events === undefined ? undefined : normalizeEvents(input.events);
  if (input.url !== undefined) await requireUsableUrl(input.url, settings);
  await ctx.db.transaction().execute(async (trx) => {
    const before = toEndpointView(await getEndpoint(trx, actor.accountId, endpointId));
    await trx
      .updateTable("webhook_endpoints")
      .set({
        ...(input.url === undefined ? {} : { url: input.url }),
        ...(events === undefined ? {} : { events: JSON.stringify(events) }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.isEnabled === undefined
          ? {}
          : { is_enabled: input.isEnabled ? 1 : 0, disabled_reason: null, failing_since: null }),
        updated_at: nowIso(),
      })
      .where("id", "=", endpointId)
      .where("account_id", "=", actor.accountId)
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "webhook.endpoint_updated",
      target: { type: "webhook_endpoint", id: endpointId },
      details: {
        before: { url: before.url, events: before.events, isEnabled: before.isEnabled },
        after: {
          url: input.url ?? before.url,
          events: events ?? before.events,
          isEnabled: input.isEnabled ?? before.isEnabled,
        },
      },
    });
  });
  return toEndpointView(await getEndpoint(ctx.db, actor.accountId, endpointId));
}

/** A new signing secret (shown once); the old one stops signing at once. */
export async function rotateEndpointSecret(
  ctx: Context,
  options: { actor: Actor; endpointId: string },
): Promise<CreateEndpointResult> {
  const { actor, endpointId } = options;
  requireAdministrator(actor);
  const secret = newSigningSecret();
  await ctx.db.transaction().execute(async (trx) => {
    await getEndpoint(trx, actor.accountId, endpointId);
    await trx
      .updateTable("webhook_endpoints")
      .set({ secret, updated_at: nowIso() })
      .where("id", "=", endpointId)
      .where("account_id", "=", actor.accountId)
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "webhook.secret_rotated",
      target: { type: "webhook_endpoint", id: endpointId },
    });
  });
  return { endpoint: toEndpointView(await getEndpoint(ctx.db, actor.accountId, endpointId)), secret };
}
