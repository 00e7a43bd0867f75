import type { ApiKey, CreatedKey, KeyInput, Page, Permissions } from "../../api";
import { inBackground, query, request } from "../../api";

// The key hygiene and usage parts of the console API (docs/console-api.md), beside the pages using them.

export type KeyLifeStatus = "active" | "expiring_soon" | "expired" | "suspended" | "rolled" | "revoked";
export type KeyListStatus = "current" | "active" | "expiring" | "expired" | "suspended" | "revoked" | "all";
export type KeySort =
  | "-created"
  | "created"
  | "name"
  | "-name"
  | "-last_used"
  | "last_used"
  | "expires"
  | "-expires";

/** A key with the hygiene fields the server now sends. */
export interface KeyDetail extends Omit<ApiKey, "status"> {
  status: KeyLifeStatus;
  suspendedReason: "owner_lost_access" | "owner_deactivated" | null;
  effectivePermissions: Permissions;
  effectivePermissionsSummary: string;
  isLimitedByCeiling: boolean;
  expiresAt: string | null;
  exceedsPolicy: boolean;
  allowedIps: string[] | null;
  rateLimit: string | null;
  rolledAt: string | null;
  previousKeyHint: string | null;
  previousKeyValidUntil: string | null;
}

export interface CreatedKeyDetail extends Omit<CreatedKey, "key"> {
  key: KeyDetail;
}

/** What Generate and Edit send: durations like "30d" or "never", a date, addresses, "100/min" or "none". */
export interface KeyHygieneInput extends KeyInput {
  expiresIn?: string;
  expiresAt?: string;
  allowedIps?: string[];
  rateLimit?: string;
}

export interface KeyListQuery {
  status: KeyListStatus;
  sort: KeySort;
  q: string;
  ownerId: string;
  limit: number;
}

export interface AccountPolicy {
  maxKeyLifetime: string | null;
  defaultKeyLifetime: string | null;
  defaultRateLimit: string | null;
}

export type UsageRange = "1h" | "24h" | "7d" | "30d" | "90d";
export interface StatusCounts {
  "2xx": number;
  "3xx": number;
  "4xx": number;
  "5xx": number;
}
export interface KeyUsage {
  range: string;
  bucketSeconds: number;
  totals: StatusCounts & { requests: number; refused: number };
  series: (StatusCounts & { bucket: string })[];
  routes: { route: string; permission: string; requests: number; errors: number }[];
  clientIps: { ip: string; firstSeenAt: string; lastSeenAt: string; requests: number }[];
}

export interface KeyAdvice {
  keyId: string;
  days: number;
  exercised: string[];
  exercisedSummary: string;
  suggestion: Permissions | null;
  suggestionSummary: string | null;
  unusedSince: string | null;
}

export interface PermissionsDryRun {
  days: number;
  refusedRequests: number;
  routes: { route: string; permission: string; requests: number }[];
}

export type GraceChoice = "0" | "1h" | "24h" | "7d";

const path = (id: string) => `/keys/${encodeURIComponent(id)}`;

export const keyApi = {
  listKeys: (filter: KeyListQuery, cursor?: string) =>
    request<Page<KeyDetail>>(
      "GET",
      `/keys${query({
        status: filter.status,
        sort: filter.sort,
        q: filter.q,
        ownerId: filter.ownerId,
        limit: filter.limit,
        cursor,
      })}`,
    ),
  getKey: (id: string) => request<KeyDetail>("GET", path(id)),
  createKey: (input: KeyHygieneInput) => request<CreatedKeyDetail>("POST", "/keys", input),
  updateKey: (id: string, input: Partial<KeyHygieneInput>) => request<KeyDetail>("PATCH", path(id), input),
  rollKey: (id: string, grace: GraceChoice) =>
    request<CreatedKeyDetail>("POST", `${path(id)}/roll`, { grace }),
  revokeKey: (id: string) => request<KeyDetail>("POST", `${path(id)}/revoke`),
  getUsage: (id: string, range: UsageRange) =>
    request<KeyUsage>("GET", `${path(id)}/usage${query({ range })}`, undefined, inBackground),
  getAdvice: (id: string) => request<KeyAdvice>("GET", `${path(id)}/advice`),
  dryRun: (id: string, permissions: Permissions) =>
    request<PermissionsDryRun>("POST", `${path(id)}/dry-run`, { permissions }),
  getPolicy: () => request<AccountPolicy>("GET", "/account/policy"),
};
