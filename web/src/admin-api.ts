/**
 * The console API calls of the administration and profile pages: users with their permission ceilings,
 * the audit log's date range, the account's key policy, and the signed-in person's password and sessions.
 */
import { type ApiKey, type AuditEvent, type Page, type Permissions, request, type User } from "./api";

/** A user as the Users page shows them: key counts and the Manager's permission ceiling. */
export interface AdminUser extends User {
  suspendedKeyCount: number;
  /** null: no ceiling (All permissions; always null for Administrators). */
  permissionCeiling: Permissions | null;
  permissionCeilingSummary: string | null;
}

/** A key with the hygiene fields the key policy page reads. */
export interface PolicyKey extends ApiKey {
  expiresAt: string | null;
  exceedsPolicy: boolean;
}

export interface AccountPolicy {
  /** e.g. "90d"; null: no maximum. */
  maxKeyLifetime: string | null;
  /** e.g. "30d"; null: never expires. */
  defaultKeyLifetime: string | null;
  /** e.g. "600/min"; null: not limited. */
  defaultRateLimit: string | null;
}

/** A change to the policy: a duration or "none" for each field sent. */
export type AccountPolicyInput = Partial<Record<keyof AccountPolicy, string>>;

export interface OwnSession {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  isCurrent: boolean;
}

export interface AuditFilter {
  action?: string | undefined;
  actorId?: string | undefined;
  /** ISO-8601 instants: from included, to excluded. */
  from?: string | undefined;
  to?: string | undefined;
  cursor?: string | undefined;
}

function query(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

const userPath = (id: string) => `/users/${encodeURIComponent(id)}`;

export const adminApi = {
  listUsers: () => request<Page<AdminUser>>("GET", "/users"),
  grantApiAccess: (id: string, ceiling: Permissions) =>
    request<AdminUser>("POST", `${userPath(id)}/api-access`, { ceiling }),
  setPermissionCeiling: (id: string, ceiling: Permissions) =>
    request<AdminUser>("PUT", `${userPath(id)}/permission-ceiling`, { ceiling }),
  /** A Manager's keys that granting access would bring back to life. */
  listSuspendedKeys: (ownerId: string) =>
    request<Page<PolicyKey>>("GET", `/keys${query({ status: "suspended", ownerId, limit: 100 })}`),

  listAuditEvents: (filter: AuditFilter) =>
    request<Page<AuditEvent>>("GET", `/audit${query({ ...filter, limit: 50 })}`),

  getPolicy: () => request<AccountPolicy>("GET", "/account/policy"),
  setPolicy: (changes: AccountPolicyInput) => request<AccountPolicy>("PATCH", "/account/policy", changes),
  listCurrentKeys: (cursor?: string) =>
    request<Page<PolicyKey>>("GET", `/keys${query({ status: "current", cursor, limit: 100 })}`),

  changePassword: (currentPassword: string, newPassword: string) =>
    request<{ endedSessions: number }>("POST", "/session/password", { currentPassword, newPassword }),
  listOwnSessions: () => request<{ items: OwnSession[] }>("GET", "/session/sessions"),
  endOwnSession: (id: string) => request<void>("DELETE", `/session/sessions/${encodeURIComponent(id)}`),
  endOtherOwnSessions: () => request<{ endedSessions: number }>("POST", "/session/sessions/end-others"),
};
