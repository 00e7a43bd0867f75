import type { Generated } from "kysely";

// Timestamps are ISO-8601 UTC text and flags are nullable timestamps, so the same queries run on
// SQLite and PostgreSQL without per-dialect type mapping.

export interface AccountsTable {
  id: string;
  name: string;
  demo_seed: number;
  created_at: string;
}

export type Role = "administrator" | "marketplace_manager";

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
}

export interface SessionsTable {
  /** SHA-256 of the session token; the token itself lives only in the browser's cookie. */
  id_hash: string;
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
}

export interface CoreTables {
  accounts: AccountsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  audit_events: AuditEventsTable;
}

// Marketplace tables are declared by src/marketplace; the full schema is the union.
export type { MarketplaceTables } from "../marketplace/tables.js";

import type { MarketplaceTables } from "../marketplace/tables.js";

export interface Schema extends CoreTables, MarketplaceTables {}

export type { Generated };
