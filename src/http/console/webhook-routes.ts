import * as z from "zod";
import {
  deliverySchema,
  listDeliveries,
  listEndpointSummaries,
  sendTestEvent,
  webhookEndpointSummarySchema,
} from "../../webhooks/delivery-log.js";
import {
  createEndpoint,
  createEndpointInputSchema,
  rotateEndpointSecret,
  updateEndpoint,
  updateEndpointInputSchema,
  webhookEndpointSchema,
} from "../../webhooks/endpoints.js";
import { webhookEventTypes } from "../../webhooks/event-types.js";
import { type AnyRoute, defineRoute } from "../routes/define-route.js";
import type { RouteDeps } from "../routes/route-deps.js";
import { idParamsSchema } from "../routes/shared-schemas.js";

const tag = "Console: webhooks";

const endpointWithSecretSchema = z
  .object({
    endpoint: webhookEndpointSchema,
    secret: z.string().describe("The signing secret (whsec_…). Shown once, never again."),
  })
  .meta({ id: "WebhookEndpointWithSecret" });

/** Settings > Webhooks: Administrators only. */
export function webhookRoutes({ ctx, config }: RouteDeps): AnyRoute[] {
  const settings = { allowPrivate: config.webhooks.allowPrivate };
  const admin = { kind: "session", requires: "administrator" } as const;
  return [
    defineRoute({
      method: "GET",
      url: "/webhooks/event-types",
      operationId: "listWebhookEventTypes",
      tag,
      summary: "The event types an endpoint can subscribe to",
      auth: admin,
      status: 200,
      response: z.object({ items: z.array(z.string()) }),
      handler: async () => ({ items: [...webhookEventTypes] }),
    }),
    defineRoute({
      method: "GET",
      url: "/webhooks",
      operationId: "listWebhookEndpoints",
      tag,
      summary: "The account's webhook endpoints, each with its latest delivery",
      auth: admin,
      status: 200,
      response: z.object({ items: z.array(webhookEndpointSummarySchema) }),
      handler: async (request) => ({ items: await listEndpointSummaries(ctx.db, { actor: request.actor }) }),
    }),
    defineRoute({
      method: "POST",
      url: "/webhooks",
      operationId: "createWebhookEndpoint",
      tag,
      summary: "Add a webhook endpoint; its signing secret is returned once",
      description: "Only public https URLs are accepted unless KEYWARD_WEBHOOKS_ALLOW_PRIVATE is set.",
      auth: admin,
      body: createEndpointInputSchema,
      status: 201,
      response: endpointWithSecretSchema,
      handler: async (request) =>
        createEndpoint(ctx, { actor: request.actor, input: request.body, settings }),
    }),
    defineRoute({
      method: "PATCH",
      url: "/webhooks/:id",
      operationId: "updateWebhookEndpoint",
      tag,
      summary: "Change an endpoint's URL, events or description, or enable/disable it",
      auth: admin,
      params: idParamsSchema,
      body: updateEndpointInputSchema,
      status: 200,
      response: webhookEndpointSchema,
      errors: ["not_found"],
      handler: async (request) =>
        updateEndpoint(ctx, {
          actor: request.actor,
          endpointId: request.params.id,
          input: request.body,
          settings,
        }),
    }),
    defineRoute({
      method: "POST",
      url: "/webhooks/:id/rotate-secret",
      operationId: "rotateWebhookSecret",
      tag,
      summary: "Replace an endpoint's signing secret; the new one is returned once",
      auth: admin,
      params: idParamsSchema,
      status: 200,
      response: endpointWithSecretSchema,
      errors: ["not_found"],
      handler: async (request) =>
        rotateEndpointSecret(ctx, { actor: request.actor, endpointId: request.params.id }),
    }),
    defineRoute({
      method: "POST",
      url: "/webhooks/:id/test",
      operationId: "sendWebhookTestEvent",
      tag,
      summary: "Send a webhook.test event to the endpoint (an enabled one)",
      auth: admin,
      params: idParamsSchema,
      status: 202,
      response: z.object({ eventId: z.string() }),
      errors: ["not_found"],
      handler: async (request) => sendTestEvent(ctx, { actor: request.actor, endpointId: request.params.id }),
    }),
    defineRoute({
      method: "GET",
      url: "/webhooks/:id/deliveries",
      operationId: "listWebhookDeliveries",
      tag,
      summary: "The endpoint's delivery log: status codes, attempts and response times",
      auth: admin,
      params: idParamsSchema,
      status: 200,
      response: z.object({ items: z.array(deliverySchema) }),
      errors: ["not_found"],
      handler: async (request) => ({
        items: await listDeliveries(ctx.db, { actor: request.actor, endpointId: request.params.id }),
      }),
    }),
  ];
}
