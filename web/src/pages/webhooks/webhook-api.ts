import { useQuery } from "@tanstack/react-query";
import { inBackground, request } from "../../api";
import type { components, paths } from "../../api/console-schema";

// The webhooks part of the console API (Settings > Webhooks), beside the pages using it. Shapes are the
// generated ones: the console never restates them.

type Schemas = components["schemas"];
export type WebhookEndpoint = Schemas["WebhookEndpoint"];
/** An endpoint as the list shows it: with how its latest delivery went. */
export type WebhookEndpointSummary = Schemas["WebhookEndpointSummary"];
/** An endpoint with its signing secret (`whsec_…`): shown once, kept in component state only. */
export type WebhookEndpointWithSecret = Schemas["WebhookEndpointWithSecret"];
export type WebhookDelivery = Schemas["WebhookDelivery"];
export type WebhookEndpointInput =
  paths["/console/api/webhooks"]["post"]["requestBody"]["content"]["application/json"];
export type WebhookEndpointChanges = NonNullable<
  paths["/console/api/webhooks/{id}"]["patch"]["requestBody"]
>["content"]["application/json"];

/** What `events` holds when an endpoint gets every event, including types added later. */
export const allEvents = "*";

const endpointPath = (id: string) => `/webhooks/${encodeURIComponent(id)}`;

export const webhookApi = {
  listEventTypes: () => request<{ items: string[] }>("GET", "/webhooks/event-types"),
  listEndpoints: () => request<{ items: WebhookEndpointSummary[] }>("GET", "/webhooks"),
  createEndpoint: (input: WebhookEndpointInput) =>
    request<WebhookEndpointWithSecret>("POST", "/webhooks", input),
  updateEndpoint: (id: string, changes: WebhookEndpointChanges) =>
    request<WebhookEndpoint>("PATCH", endpointPath(id), changes),
  rotateSecret: (id: string) =>
    request<WebhookEndpointWithSecret>("POST", `${endpointPath(id)}/rotate-secret`),
  sendTestEvent: (id: string) => request<{ eventId: string }>("POST", `${endpointPath(id)}/test`),
  listDeliveries: (id: string) =>
    request<{ items: WebhookDelivery[] }>("GET", `${endpointPath(id)}/deliveries`, undefined, inBackground),
};

/** The event types an endpoint can subscribe to; they change only with a server release. */
export function useWebhookEventTypes() {
  return useQuery({
    queryKey: ["webhook-event-types"],
    queryFn: webhookApi.listEventTypes,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}

/** The account's webhook endpoints (Administrators only). */
export function useWebhookEndpoints() {
  return useQuery({ queryKey: ["webhooks"], queryFn: webhookApi.listEndpoints });
}

/** "All events" or the list of event types, as a person reads it. */
export function describeEvents(events: string[]): string {
  return events.includes(allEvents) ? "All events" : events.join(", ");
}
