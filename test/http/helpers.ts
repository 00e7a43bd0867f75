import type { LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import type { AuditEventView } from "../../src/audit/list-audit-events.js";
import type { ApiKeyView } from "../../src/keys/key-view.js";
import type { UserView } from "../../src/users/user-view.js";
import type { ConsoleClient } from "../support/accounts.js";
import type { TestApp } from "../support/test-app.js";

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; fields?: string[] };
}

/** Asserts the status and the one error shape every failure has; returns the error for more checks. */
export function expectError(response: LightMyRequestResponse, status: number, code: string) {
  expect(response.statusCode, response.body).toBe(status);
  const { error } = response.json() as ErrorBody;
  expect(error.code).toBe(code);
  expect(error.message).toMatch(/\S/);
  expect(error.requestId).toMatch(/\S/);
  return error;
}

/** The keys a console user sees in Account > API Keys. */
export async function listKeys(
  client: ConsoleClient,
  status: "active" | "revoked" | "all" | "default" = "default",
): Promise<ApiKeyView[]> {
  const query = status === "default" ? "" : `?status=${status}`;
  const response = await client.request("GET", `/console/api/keys${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { items: ApiKeyView[] }).items;
}

/** One key as the console shows it to this user (the request must succeed). */
export async function getKey(client: ConsoleClient, keyId: string): Promise<ApiKeyView> {
  const response = await client.request("GET", `/console/api/keys/${keyId}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as ApiKeyView;
}

/** The account's users, as an Administrator sees them. */
export async function listUsers(admin: ConsoleClient): Promise<UserView[]> {
  const response = await admin.request("GET", "/console/api/users");
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { items: UserView[] }).items;
}

export async function findUser(admin: ConsoleClient, userId: string): Promise<UserView> {
  const user = (await listUsers(admin)).find((candidate) => candidate.id === userId);
  if (!user) throw new Error(`user ${userId} is not in the account`);
  return user;
}

export interface AuditPage {
  items: AuditEventView[];
  nextCursor: string | null;
}

/** One page of the audit trail; `query` is the query string without `?`. */
export async function readAudit(admin: ConsoleClient, query = ""): Promise<AuditPage> {
  const response = await admin.request("GET", `/console/api/audit${query ? `?${query}` : ""}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as AuditPage;
}

/** Rows in the database, whatever any endpoint says: proves a refused request wrote nothing. */
export async function countKeysInDatabase(t: TestApp, accountId: string): Promise<number> {
  const rows = await t.database.db
    .selectFrom("api_keys")
    .select("id")
    .where("account_id", "=", accountId)
    .execute();
  return rows.length;
}

export async function countAuditEventsInDatabase(t: TestApp, accountId: string): Promise<number> {
  const rows = await t.database.db
    .selectFrom("audit_events")
    .select("id")
    .where("account_id", "=", accountId)
    .execute();
  return rows.length;
}

/** A marketplace API call with the key in `X-Api-Key` instead of `Authorization`. */
export function callApiWithHeader(t: TestApp, secret: string, url: string) {
  return t.app.inject({ method: "GET", url, headers: { "x-api-key": secret } });
}

export const reportingRead = { all: false, sections: { reporting: "read" } } as const;
