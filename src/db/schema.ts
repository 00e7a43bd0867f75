import type { Generated } from "kysely";

// Timestamps are ISO-8601 UTC text and flags are nullable timestamps, so the same queries run on
// SQLite and PostgreSQL without per-dialect type mapping.

export interface AccountsTable {
  id: string;
  name: string;
  demo_seed: number;
  created_at: string;
  /** Keys can't be created or edited to live longer than this; null: no maximum. */
  max_key_lifetime_seconds: number | null;
  /** What the Generate dialog offers; null: never expires. */
  default_key_lifetime_seconds: number | null;
  /** The rate limit new keys get, e.g. "600/min"; null: none. */
  default_rate_limit: string | null;
  /** What a reported leak does to a key: "revoke" (default) or "notify". */
  leak_policy: Generated<"revoke" | "notify">;
}

import type { Role } from "../users/roles.js";

export interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  /** Set when an Administrator grants a Marketplace Manager API access; ignored for Administrators. */
  api_access_granted_at: string | null;
  deactivated_at: string | null;
  created_at: string;
  /** JSON of Permissions: the most a Manager's keys may hold; null: All permissions. */
  permission_ceiling: string | null;
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself lives only in the browser's cookie. */
  id_hash: string;
  /** What the user sees and names a session by (`ses_…`); reveals nothing about the token. */
  public_id: string;
  user_id: string;
  account_id: string;
  created_at: string;
  last_seen_at: string;
  ip: string | null;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  owner_user_id: string;
  name: string;
  /** SHA-256 (hex) of the full key; the key itself is never stored. */
  key_hash: string;
  hint: string;
  /** JSON of Permissions. */
  permissions: string;
  created_at: string;
  created_by_user_id: string | null;
  updated_at: string;
  revoked_at: string | null;
  revoked_by_user_id: string | null;
  last_used_at: string | null;
  last_used_ip: string | null;
  /** After this instant the key is refused as expired; null: never. */
  expires_at: string | null;
  /** JSON array of IP addresses and CIDR ranges the key may be used from; null: any address. */
  allowed_ips: string | null;
  /** When the key was last rolled to a new secret. */
  rolled_at: string | null;
  /** SHA-256 of the secret a roll replaced, accepted until `previous_key_valid_until`. */
  previous_key_hash: string | null;
  previous_key_hint: string | null;
  previous_key_valid_until: string | null;
  /** Requests per window, e.g. "100/min"; null: not limited. */
  rate_limit: string | null;
  /** 1 for a canary: planted, never meant to be used; any use raises an alert (src/leaks). */
  is_canary: Generated<number>;
  /** Set when the key was revoked because it was found in public, with where. */
  leaked_at: string | null;
  leak_url: string | null;
  /** Which expiry notice went out, e.g. "7d@<expires_at>" (src/webhooks/expiry-sweep.ts). */
  expiry_notice: string | null;
}

export interface RateLimitWindowsTable {
  key_id: string;
  /** The window's start, in ms since the epoch (PostgreSQL's clock). */
  window_start: number;
  used: number;
  /** What the last lease granted (read back by the leasing statement). */
  last_grant: number;
}

/** Requests per key, route, permission and status class in one bucket (a minute, hour or day). */
export interface UsageTable {
  account_id: string;
  key_id: string;
  /** The bucket's start, ISO-8601 UTC. */
  bucket: string;
  /** "GET /api/v1/orders/:id" */
  route: string;
  /** "orders:read", or "none" for routes any valid key may call. */
  permission: string;
  /** "2xx" … "5xx" */
  status_class: string;
  /** 1 when the request passed verification (the key was valid and allowed), else 0. */
  authorized: number;
  requests: number;
}

export interface KeyClientIpsTable {
  account_id: string;
  key_id: string;
  ip: string;
  first_seen_at: string;
  last_seen_at: string;
  requests: number;
}

export interface AuditEventsTable {
  id: string;
  account_id: string;
  actor_user_id: string | null;
  /** Who did it, as shown to people: an email, or "cli" for the operator's command line. */
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string;
  ip: string | null;
  /** JSON: before/after of changed fields, never a secret. */
  details: string;
  created_at: string;
  /**
   * The event's place in its account's hash chain (src/audit/audit-chain.ts): 1, 2, 3, … per account,
   * the previous event's hash (null for the first), and this event's. Always written; NOT NULL on
   * PostgreSQL, and on SQLite (no ALTER … SET NOT NULL) a row without them fails verification.
   */
  seq: number;
  prev_hash: string | null;
  hash: string;
}

export interface CoreTables {
  accounts: AccountsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_events: AuditEventsTable;
  rate_limit_windows: RateLimitWindowsTable;
  usage_minute: UsageTable;
  usage_hour: UsageTable;
  usage_day: UsageTable;
  key_client_ips: KeyClientIpsTable;
  service_tokens: ServiceTokensTable;
}

/** A service token (`kws_…`) an account's own backends verify keys with; only its SHA-256 is stored. */
export interface ServiceTokensTable {
  id: string;
  account_id: string;
  name: string;
  token_hash: string;
  hint: string;
  created_at: string;
  created_by_user_id: string | null;
  revoked_at: string | null;
  revoked_by_user_id: string | null;
  last_used_at: string | null;
}

// Marketplace tables are declared by src/marketplace; the full schema is the union.
export type { MarketplaceTables } from "../marketplace/tables.js";

import type { MarketplaceTables } from "../marketplace/tables.js";
import type { LeaksTables } from "../webhooks/tables.js";

export interface Schema extends CoreTables, MarketplaceTables, LeaksTables {}

export type { Generated };
