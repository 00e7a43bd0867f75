/**
 * Typed client for the console API (docs/console-api.md). Every request is same-origin JSON; every
 * non-GET request carries the CSRF token, which lives only in this module's memory.
 */

export type Role = "administrator" | "marketplace_manager";
export type Access = "read" | "write";
export type Permissions = { all: true } | { all: false; sections: Partial<Record<string, Access>> };

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  hasApiAccess: boolean;
  isActive: boolean;
  createdAt: string;
  deactivatedAt: string | null;
  activeKeyCount: number;
}

export interface PersonRef {
  id: string;
  email: string;
  name: string;
}

export interface Session {
  user: User;
  account: { id: string; name: string };
  csrfToken: string;
}

export interface Section {
  id: string;
  label: string;
  description: string;
  accesses: Access[];
}

export type KeyStatus = "active" | "revoked";
export type KeyStatusFilter = KeyStatus | "all";

export interface ApiKey {
  id: string;
  name: string;
  hint: string;
  permissions: Permissions;
  permissionsSummary: string;
  owner: PersonRef;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  status: KeyStatus;
  revokedAt: string | null;
  revokedBy: PersonRef | null;
}

export interface CreatedKey {
  key: ApiKey;
  /** The full key: shown once. Callers keep it in component state only. */
  secret: string;
}

export interface AuditEvent {
  id: string;
  action: string;
  actor: { id: string | null; label: string };
  target: { type: string; id: string };
  ip: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface KeyInput {
  name: string;
  permissions: Permissions;
}

export interface NewUserInput {
  email: string;
  name: string;
  role: Role;
  password: string;
  apiAccess?: boolean;
}

/** An error response from the API, carrying its code and human message. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly code: string;
  readonly status: number;
  readonly fields: string[];

  constructor(status: number, code: string, message: string, fields: string[] = []) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

let csrfToken: string | null = null;

/** Remembers (in memory only) the CSRF token that the session endpoints return. */
export function rememberCsrfToken(token: string | null): void {
  csrfToken = token;
}

type Method = "GET" | "POST" | "PATCH" | "DELETE";

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/console/api${path}`, {
      method,
      headers,
      credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(
      0,
      "network_error",
      "The server could not be reached. Check your connection and retry.",
    );
  }
  if (response.status === 204) return undefined as T;
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) throw toApiError(response.status, payload);
  return payload as T;
}

function toApiError(status: number, payload: unknown): ApiError {
  const error = (payload as { error?: { code?: string; message?: string; fields?: string[] } } | null)?.error;
  const message = error?.message ?? `The server answered ${status} without an explanation.`;
  return new ApiError(status, error?.code ?? "unknown_error", message, error?.fields ?? []);
}

function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const api = {
  getSession: () => request<Session>("GET", "/session"),
  signIn: (email: string, password: string) => request<Session>("POST", "/session", { email, password }),
  signOut: () => request<void>("DELETE", "/session"),

  listSections: () => request<Page<Section>>("GET", "/sections"),

  listKeys: (status: KeyStatusFilter, cursor?: string) =>
    request<Page<ApiKey>>("GET", `/keys${query({ status, cursor, limit: 100 })}`),
  createKey: (input: KeyInput) => request<CreatedKey>("POST", "/keys", input),
  updateKey: (id: string, input: Partial<KeyInput>) =>
    request<ApiKey>("PATCH", `/keys/${encodeURIComponent(id)}`, input),
  revokeKey: (id: string) => request<ApiKey>("POST", `/keys/${encodeURIComponent(id)}/revoke`),

  listUsers: () => request<Page<User>>("GET", "/users"),
  createUser: (input: NewUserInput) => request<User>("POST", "/users", input),
  grantApiAccess: (id: string) => request<User>("POST", `/users/${encodeURIComponent(id)}/api-access`),
  removeApiAccess: (id: string) => request<User>("DELETE", `/users/${encodeURIComponent(id)}/api-access`),
  deactivateUser: (id: string) => request<User>("POST", `/users/${encodeURIComponent(id)}/deactivate`),

  listAuditEvents: (filter: { action?: string; actorId?: string; cursor?: string }) =>
    request<Page<AuditEvent>>("GET", `/audit${query({ ...filter, limit: 50 })}`),
};
