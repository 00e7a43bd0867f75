/**
 * Typed client for the console API (docs/console-api.md). Every request is same-origin JSON; every
 * non-GET request carries the CSRF token, which lives only in this module's memory.
 */

import type { components, paths } from "./api/console-schema";

// The server's shapes, generated from /console/api/openapi.json (npm run generate:clients): the console
// never restates them, and test/contract/generated-clients.test.ts fails when they drift.
type Schemas = components["schemas"];
type JsonBody<Path extends keyof paths, Method extends keyof paths[Path]> = paths[Path][Method] extends {
  requestBody?: { content: { "application/json": infer Body } };
}
  ? Body
  : never;

export type Role = Schemas["User"]["role"];
export type Permissions = Schemas["Permissions"];
export type Access = Schemas["Section"]["accesses"][number];
export type User = Schemas["User"];
export type PersonRef = Schemas["Person"];
export type Session = Schemas["Session"];
export type Section = Schemas["Section"];
export type ApiKey = Schemas["ApiKey"];
export type KeyStatus = ApiKey["status"];
export type KeyStatusFilter = NonNullable<
  NonNullable<paths["/console/api/keys"]["get"]["parameters"]["query"]>["status"]
>;
/** A generated key with its full secret: shown once. Callers keep it in component state only. */
export type CreatedKey = Schemas["ApiKeyWithSecret"];
export type AuditEvent = Schemas["AuditEvent"];
export type KeyInput = JsonBody<"/console/api/keys", "post">;
export type NewUserInput = JsonBody<"/console/api/users", "post">;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
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

type RefusalListener = (error: ApiError) => void;
let onRefused: RefusalListener = () => {};

/** Registers who hears about every 401 or 403 from the console API, whoever made the request. */
export function setRefusalListener(listener: RefusalListener): void {
  onRefused = listener;
}

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** What the console does on its own, without the person acting: polls (the bell, usage, delivery logs). */
export const inBackground = { isBackground: true } as const;

/**
 * One console API call; other modules (admin-api.ts, keys/key-api.ts) build on it. A call made
 * `inBackground` says so (X-Keyward-Background), so it doesn't keep an idle session alive.
 */
export async function request<T>(
  method: Method,
  path: string,
  body?: unknown,
  options: { isBackground?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (options.isBackground) headers["X-Keyward-Background"] = "1";
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
  if (!response.ok) {
    const error = toApiError(response.status, payload);
    if (error.status === 401 || error.status === 403) onRefused(error);
    throw error;
  }
  return payload as T;
}

function toApiError(status: number, payload: unknown): ApiError {
  const error = (payload as { error?: { code?: string; message?: string; fields?: string[] } } | null)?.error;
  const message = error?.message ?? `The server answered ${status} without an explanation.`;
  return new ApiError(status, error?.code ?? "unknown_error", message, error?.fields ?? []);
}

export function query(params: Record<string, string | number | null | undefined>): string {
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
