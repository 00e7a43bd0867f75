/**
 * The console API calls of the notification bell, canary keys and the account's leak policy. The shapes
 * are the server's, generated from the console's OpenAPI document (npm run generate:clients).
 */
import { inBackground, request } from "./api";
import type { components, paths } from "./api/console-schema";

type Schemas = components["schemas"];

export type Inbox = Schemas["Inbox"];
export type InboxItem = Schemas["InboxItem"];
export type CanaryKey = Schemas["CanaryKey"];
export type LeakPolicy = Schemas["LeakPolicy"]["leakPolicy"];
/** A new canary with its full key: shown once. Callers keep it in component state only. */
export type CreatedCanary =
  paths["/console/api/canaries"]["post"]["responses"][201]["content"]["application/json"];

export const inboxQueryKey = ["inbox"] as const;
export const canariesQueryKey = ["canaries"] as const;
export const leakPolicyQueryKey = ["leak-policy"] as const;

export const leaksApi = {
  getInbox: () => request<Inbox>("GET", "/inbox", undefined, inBackground),
  markRead: (id: string) => request<void>("POST", `/inbox/${encodeURIComponent(id)}/read`),
  markAllRead: () => request<void>("POST", "/inbox/read-all"),

  listCanaries: () => request<{ items: CanaryKey[] }>("GET", "/canaries"),
  createCanary: (name: string) => request<CreatedCanary>("POST", "/canaries", { name }),
  retireCanary: (id: string) => request<CanaryKey>("POST", `/canaries/${encodeURIComponent(id)}/retire`),

  getLeakPolicy: () => request<Schemas["LeakPolicy"]>("GET", "/account/leak-policy"),
  setLeakPolicy: (leakPolicy: LeakPolicy) =>
    request<Schemas["LeakPolicy"]>("PUT", "/account/leak-policy", { leakPolicy }),
};
