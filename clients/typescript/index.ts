// The typed client for Keyward's marketplace API: openapi-fetch over the types generated from
// /api/v1/openapi.json (marketplace.d.ts, `npm run generate:clients`). Copy this folder, or import it.
import createClient, { type Client } from "openapi-fetch";
import type { operations, paths } from "./marketplace.js";

export type {
  CallingKey,
  components,
  MarketplaceEvent,
  Order,
  OrderItem,
  operations,
  Payout,
  Permissions,
  Product,
  paths,
  SalesReport,
  Seller,
} from "./marketplace.js";

type Responses<Operation> = Operation extends { responses: infer R } ? R : never;
type JsonOf<Response> = Response extends { content: { "application/json": infer Body } } ? Body : never;
type ErrorBodyOf<Operation> = {
  [Status in keyof Responses<Operation>]: JsonOf<Responses<Operation>[Status]> extends infer Body
    ? Body extends { error: { code: string } }
      ? Body
      : never
    : never;
}[keyof Responses<Operation>];

/** The error body an operation can answer, e.g. `MarketplaceErrorBody<"fulfilOrder">`. */
export type MarketplaceErrorBody<Id extends keyof operations = keyof operations> = {
  [Each in Id]: ErrorBodyOf<operations[Each]>;
}[Id];
/** The error codes an operation can answer: a closed union, e.g. `"conflict" | "not_found" | …`. */
export type MarketplaceErrorCode<Id extends keyof operations = keyof operations> =
  MarketplaceErrorBody<Id>["error"]["code"];

export interface MarketplaceClientOptions {
  /** Where Keyward runs, e.g. `https://keyward.example.com` (paths start with /api/v1). */
  baseUrl: string;
  /** An API key from Account > API Keys (`mpk_…`). Keep it on the server. */
  apiKey: string;
  /** A fetch implementation; the global one by default. */
  fetch?: typeof globalThis.fetch;
}

export type MarketplaceClient = Client<paths>;

/** A client whose every call sends the key and whose paths, parameters and bodies are type-checked. */
export function createMarketplaceClient(options: MarketplaceClientOptions): MarketplaceClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { Authorization: `Bearer ${options.apiKey}`, Accept: "application/json" },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** Whether an error body (openapi-fetch's `error`) carries one of these codes; narrows it. */
export function hasErrorCode<Code extends MarketplaceErrorCode>(
  error: unknown,
  ...codes: Code[]
): error is MarketplaceErrorBody & { error: { code: Code } } {
  const code = (error as { error?: { code?: unknown } } | null | undefined)?.error?.code;
  return typeof code === "string" && (codes as string[]).includes(code);
}
