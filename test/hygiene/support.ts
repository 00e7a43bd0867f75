import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import type { AuditEventView } from "../../src/audit/list-audit-events.js";
import type { ApiKeyView } from "../../src/keys/key-view.js";
import type { UserView } from "../../src/users/user-view.js";
import { uniqueIp } from "../hardening/support/network.js";
import { callWithKey } from "../hardening/support/requests.js";
import { expectError } from "../hardening/support/responses.js";
import type { ConsoleClient, TestAccount } from "../support/accounts.js";
import type { TestApp } from "../support/test-app.js";

export const reportingRead = { all: false, sections: { reporting: "read" } } as const;
export const readOrdersWrite = { all: false, sections: { reporting: "read", orders: "write" } } as const;
export const dayMs = 86_400_000;

/** An integration calling the marketplace API from an address of its own (so failures never hit 429). */
export function integration(t: TestApp, ip = uniqueIp()) {
  return {
    ip,
    call: (secret: string, url = "/api/v1/key") => callWithKey(t, secret, url, { ip }),
  };
}

export interface GeneratedKey {
  id: string;
  secret: string;
  key: ApiKeyView;
}

/** POST /console/api/keys with any body; the test checks the answer. */
export function requestKey(client: ConsoleClient, body: Record<string, unknown>) {
  return client.request("POST", "/console/api/keys", {
    name: "Hygiene test key",
    permissions: { all: true },
    ...body,
  });
}

/** Generates a key with hygiene fields (expiresIn, expiresAt, allowedIps…); the request must succeed. */
export async function generateWith(
  client: ConsoleClient,
  body: Record<string, unknown>,
): Promise<GeneratedKey> {
  const response = await requestKey(client, body);
  expect(response.statusCode, response.body).toBe(201);
  const created = response.json() as { key: ApiKeyView; secret: string };
  return { id: created.key.id, secret: created.secret, key: created.key };
}

/** PATCH /console/api/keys/:id. */
export function editKey(client: ConsoleClient, keyId: string, body: Record<string, unknown>) {
  return client.request("PATCH", `/console/api/keys/${keyId}`, body);
}

/** POST /console/api/keys/:id/roll. */
export function rollKey(client: ConsoleClient, keyId: string, grace?: string) {
  return client.request("POST", `/console/api/keys/${keyId}/roll`, grace === undefined ? {} : { grace });
}

/** Rolls a key (the request must succeed): the key as it now is, and its new secret. */
export async function rollOk(client: ConsoleClient, keyId: string, grace?: string) {
  const response = await rollKey(client, keyId, grace);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as { key: ApiKeyView; secret: string };
}

export async function getKey(client: ConsoleClient, keyId: string): Promise<ApiKeyView> {
  const response = await client.request("GET", `/console/api/keys/${keyId}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as ApiKeyView;
}

/** The keys a console user sees with a status filter (`current` when none). */
export async function listKeys(client: ConsoleClient, query = ""): Promise<ApiKeyView[]> {
  const response = await client.request("GET", `/console/api/keys${query ? `?${query}` : ""}`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { items: ApiKeyView[] }).items;
}

/** The audit events about one target with one action, newest first, as an Administrator reads them. */
export async function auditOf(admin: ConsoleClient, action: string, targetId: string) {
  const response = await admin.request("GET", `/console/api/audit?action=${action}&limit=100`);
  expect(response.statusCode, response.body).toBe(200);
  const { items } = response.json() as { items: AuditEventView[] };
  return items.filter((event) => event.target.id === targetId);
}

/** The number of audit events the account has, straight from the database. */
export async function auditCount(t: TestApp, accountId: string): Promise<number> {
  const rows = await t.database.db
    .selectFrom("audit_events")
    .select("id")
    .where("account_id", "=", accountId)
    .execute();
  return rows.length;
}

/** The key's row, whatever any endpoint says: proves a refused change wrote nothing. */
export function keyRow(t: TestApp, keyId: string) {
  return t.database.db.selectFrom("api_keys").selectAll().where("id", "=", keyId).executeTakeFirstOrThrow();
}

/**
 * Moves a key's expiry in the database and announces it as every change to a key is announced — for
 * "the key expired days ago" without waiting days.
 */
export async function setExpiryInDatabase(t: TestApp, keyId: string, expiresAt: Date): Promise<void> {
  await t.database.db
    .updateTable("api_keys")
    .set({ expires_at: expiresAt.toISOString() })
    .where("id", "=", keyId)
    .execute();
  await t.ctx.changes.keyChanged(keyId);
}

/** Polls (every 25 ms) until `check` holds; fails the test after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until the clock has passed an instant (an expiry, the end of a grace period). */
export function waitUntilPast(instant: string | null): Promise<void> {
  const at = Date.parse(instant ?? "");
  if (Number.isNaN(at)) throw new Error(`not an instant: ${instant}`);
  return waitUntil(() => Date.now() > at, at - Date.now() + 10_000);
}

interface ErrorResponse {
  content?: {
    "application/json"?: {
      schema?: { properties?: { error?: { properties?: { code?: { enum?: string[] } } } } };
    };
  };
}
type OpenApiDocument = {
  paths: Record<string, Record<string, { responses?: Record<string, ErrorResponse> }>>;
};
const documents = new WeakMap<TestApp, Promise<OpenApiDocument[]>>();

/** The codes an operation ("POST /console/api/keys/{id}/roll") declares for a status, in the documents clients read. */
export async function declaredCodes(t: TestApp, operation: string, status: number): Promise<string[]> {
  let loaded = documents.get(t);
  if (!loaded) {
    loaded = Promise.all(
      ["/api/v1/openapi.json", "/console/api/openapi.json"].map(async (url) => {
        const response = await t.app.inject({ method: "GET", url });
        expect(response.statusCode, url).toBe(200);
        return response.json() as OpenApiDocument;
      }),
    );
    documents.set(t, loaded);
  }
  const [method = "", path = ""] = operation.split(" ");
  for (const document of await loaded) {
    const declared = document.paths[path]?.[method.toLowerCase()];
    if (declared === undefined) continue;
    const schema = declared.responses?.[String(status)]?.content?.["application/json"]?.schema;
    return schema?.properties?.error?.properties?.code?.enum ?? [];
  }
  throw new Error(`${operation} is in neither OpenAPI document`);
}

/**
 * A refusal as a client sees it: the status, the code, the one error shape — and the code declared for
 * that status by the operation in the OpenAPI document (an undeclared code is a broken contract).
 */
export async function expectRefused(
  t: TestApp,
  response: LightMyRequestResponse,
  operation: string,
  status: number,
  code: string,
) {
  const error = expectError(response, status, code);
  expect(await declaredCodes(t, operation, status), `${operation} declares ${code}`).toContain(code);
  return error;
}

/** PUT /console/api/users/:id/permission-ceiling. */
export function putCeiling(client: ConsoleClient, userId: string, ceiling: unknown) {
  return client.request("PUT", `/console/api/users/${userId}/permission-ceiling`, { ceiling });
}

/** Sets a Manager's ceiling (the request must succeed); the user as the Users page now shows them. */
export async function putCeilingOk(
  admin: ConsoleClient,
  userId: string,
  ceiling: unknown,
): Promise<UserView> {
  const response = await putCeiling(admin, userId, ceiling);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as UserView;
}

/** A Manager granted API access by the account's Administrator within `ceiling`. */
export async function managerWithin(account: TestAccount, ceiling: unknown): Promise<ConsoleClient> {
  const manager = await account.addManager({ apiAccess: false });
  const granted = await account.admin.request("POST", `/console/api/users/${manager.userId}/api-access`, {
    ceiling,
  });
  expect(granted.statusCode, granted.body).toBe(200);
  return manager;
}
