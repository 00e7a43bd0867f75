// Tables of leaked-key handling, webhooks, email and the console's inbox (migration 0008-leaks).

export interface OutboxEventsTable {
  /** `evt_…`: also the `webhook-id` base and the idempotency key consumers see. */
  id: string;
  account_id: string;
  type: string;
  /** JSON of the event's data; never a secret. */
  data: string;
  created_at: string;
  /** Set once the event has been fanned out to deliveries, emails and notifications. */
  dispatched_at: string | null;
}

export interface WebhookEndpointsTable {
  id: string;
  account_id: string;
  url: string;
  description: string;
  /** JSON array of event types, or ["*"] for all. */
  events: string;
  /** `whsec_…`: needed to sign every delivery, so it is stored; shown to people only once. */
  secret: string;
  is_enabled: number;
  disabled_reason: string | null;
  /** The first failure of the current run of failures; null while deliveries succeed. */
  failing_since: string | null;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface WebhookDeliveriesTable {
  /** `msg_…`: the `webhook-id` header, the same on every attempt. */
  id: string;
  account_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  /** The exact body signed and sent. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  /** While an instance is sending it: no other instance claims it before this instant. */
  locked_until: string | null;
  last_status_code: number | null;
  last_response_ms: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  response_ms: number;
  error: string | null;
}

export interface EmailMessagesTable {
  id: string;
  account_id: string;
  event_id: string;
  to_address: string;
  subject: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export interface InboxNotificationsTable {
  id: string;
  account_id: string;
  user_id: string;
  event_id: string;
  event_type: string;
  title: string;
  body: string;
  key_id: string | null;
  created_at: string;
  read_at: string | null;
}

export interface WebhookMarketplaceCursorsTable {
  account_id: string;
  last_seq: number;
}

export interface LeaksTables {
  outbox_events: OutboxEventsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  email_messages: EmailMessagesTable;
  inbox_notifications: InboxNotificationsTable;
  webhook_marketplace_cursors: WebhookMarketplaceCursorsTable;
}
