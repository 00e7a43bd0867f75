import { marketplaceEventTypes } from "../marketplace/events/marketplace-events.js";

/** Events about keys and users, written to the outbox by the operation that causes them. */
export const domainEventTypes = [
  "key.created",
  "key.updated",
  "key.rolled",
  "key.revoked",
  "key.leaked",
  "key.expiring",
  "key.expired",
  "key.canary_triggered",
  "user.api_access_granted",
  "user.api_access_removed",
  "user.deactivated",
] as const;
export type DomainEventType = (typeof domainEventTypes)[number];

/** Every event an endpoint may subscribe to: domain events and the marketplace's own (issue #16). */
export const webhookEventTypes = [...domainEventTypes, ...marketplaceEventTypes] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** Sent only by "send a test event"; never subscribed to. */
export const testEventType = "webhook.test";

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (webhookEventTypes as readonly string[]).includes(value);
}
