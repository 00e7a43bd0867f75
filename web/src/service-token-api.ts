/** The console API calls of Settings > Service tokens (Administrators only). */
import { request } from "./api";
import type { components } from "./api/console-schema";

export type ServiceToken = components["schemas"]["ServiceToken"];
/** A new token with its full secret: shown once. Callers keep it in component state only. */
export type CreatedServiceToken = components["schemas"]["ServiceTokenWithSecret"];

const tokenPath = (id: string) => `/service-tokens/${encodeURIComponent(id)}`;

export const serviceTokenApi = {
  list: () => request<{ items: ServiceToken[] }>("GET", "/service-tokens"),
  create: (name: string) => request<CreatedServiceToken>("POST", "/service-tokens", { name }),
  revoke: (id: string) => request<ServiceToken>("POST", `${tokenPath(id)}/revoke`),
};

export const serviceTokensQueryKey = ["service-tokens"] as const;
