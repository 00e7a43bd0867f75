import type { LightMyRequestResponse } from "fastify";
import type { Db } from "../../../src/db/database.js";
import { generateKey, keyPrefix } from "../../../src/keys/key-format.js";
import type { TestApp } from "../../support/test-app.js";

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

export interface CallOptions {
  method?: Method;
  ip?: string;
  headers?: Record<string, string>;
  payload?: unknown;
}

/** Calls the marketplace API with a key from a given client address, as an integration would. */
export function callWithKey(
  t: TestApp,
  secret: string,
  url: string,
  options: CallOptions = {},
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: options.method ?? "GET",
    url,
    headers: { authorization: `Bearer ${secret}`, ...options.headers },
    ...(options.ip ? { remoteAddress: options.ip } : {}),
    ...(options.payload === undefined ? {} : { payload: options.payload as object }),
  });
}

export interface SignInAttempt {
  email: string;
  password: string;
  ip?: string;
  headers?: Record<string, string>;
  cookie?: string;
}

/** One POST /console/api/session, with the client address, headers and old cookie under the test's control. */
export function attemptSignIn(t: TestApp, attempt: SignInAttempt): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: "POST",
    url: "/console/api/session",
    payload: { email: attempt.email, password: attempt.password },
    ...(attempt.headers ? { headers: attempt.headers } : {}),
    ...(attempt.ip ? { remoteAddress: attempt.ip } : {}),
    ...(attempt.cookie ? { cookies: { keyward_session: attempt.cookie } } : {}),
  });
}

/** The session cookie a response set, or undefined. */
export function sessionCookieOf(response: LightMyRequestResponse) {
  return response.cookies.find((cookie) => cookie.name === "keyward_session");
}

/** A key with the right shape and a valid checksum that Keyward never issued. */
export function unknownKey(): string {
  return generateKey().secret;
}

/** A real key with one character changed: the checksum catches it before any lookup. */
export function mistypedKey(secret: string): string {
  const last = secret.at(-8) === "a" ? "b" : "a";
  return `${secret.slice(0, -8)}${last}${secret.slice(-7)}`;
}

/** Strings that look like keys but fail the checksum or shape: what typos and guessing produce. */
export const malformedKeys = [
  `${keyPrefix}${"0".repeat(36)}`,
  `${keyPrefix}short`,
  "not-a-key",
  `${keyPrefix}${"Z".repeat(35)}!`,
];

/** Ids of an account's demo marketplace rows: paid orders first (the ones that can be fulfilled). */
export async function marketplaceIds(db: Db, accountId: string) {
  const ids = async (table: "orders" | "products" | "sellers") =>
    (await db.selectFrom(table).select("id").where("account_id", "=", accountId).orderBy("id").execute()).map(
      (row) => row.id,
    );
  const paid = await db
    .selectFrom("orders")
    .select("id")
    .where("account_id", "=", accountId)
    .where("status", "=", "paid")
    .orderBy("id")
    .execute();
  return {
    orders: await ids("orders"),
    paidOrders: paid.map((row) => row.id),
    products: await ids("products"),
    sellers: await ids("sellers"),
  };
}
