import type { LightMyRequestResponse } from "fastify";
import { createAccount } from "../../src/accounts/create-account.js";
import type { Permissions } from "../../src/keys/permissions.js";
import { createUser } from "../../src/users/create-user.js";
import type { TestApp } from "./test-app.js";
import { uniqueEmail } from "./test-app.js";

export const testPassword = "correct-horse-battery-staple";

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** A signed-in console user: calls carry the session cookie and the CSRF token like the browser. */
export interface ConsoleClient {
  userId: string;
  email: string;
  accountId: string;
  request(method: Method, url: string, body?: unknown): Promise<LightMyRequestResponse>;
}

export interface TestAccount {
  accountId: string;
  admin: ConsoleClient;
  /** Adds a Marketplace Manager (with or without API access) and signs them in. */
  addManager(options?: { apiAccess?: boolean }): Promise<ConsoleClient>;
  addAdministrator(): Promise<ConsoleClient>;
}

/** A fresh account with a signed-in Administrator; each test makes its own, so tests never share data. */
export async function createTestAccount(t: TestApp, name = "Test Marketplace"): Promise<TestAccount> {
  const adminEmail = uniqueEmail("admin");
  const { account } = await createAccount(t.ctx, {
    account: { name, adminEmail, adminPassword: testPassword },
    demoSeed: 42,
  });
  const admin = await signIn(t, adminEmail);
  const addUser = async (role: "administrator" | "marketplace_manager", apiAccess: boolean) => {
    const email = uniqueEmail(role === "administrator" ? "admin" : "manager");
    await createUser(t.ctx, {
      actor: { type: "operator", accountId: account.id, ip: null },
      user: { email, name: email.split("@")[0] ?? email, role, password: testPassword, apiAccess },
    });
    return signIn(t, email);
  };
  return {
    accountId: account.id,
    admin,
    addManager: (options) => addUser("marketplace_manager", options?.apiAccess ?? false),
    addAdministrator: () => addUser("administrator", true),
  };
}

/** Signs in through the real endpoint and returns a client holding the cookie and CSRF token. */
export async function signIn(t: TestApp, email: string, password = testPassword): Promise<ConsoleClient> {
  const response = await t.app.inject({
    method: "POST",
    url: "/console/api/session",
    payload: { email, password },
  });
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === "keyward_session");
  if (!cookie) throw new Error("sign-in set no session cookie");
  const body = response.json() as { user: { id: string }; account: { id: string }; csrfToken: string };
  return {
    userId: body.user.id,
    email,
    accountId: body.account.id,
    request: (method, url, payload) =>
      t.app.inject({
        method,
        url,
        cookies: { keyward_session: cookie.value },
        headers: { "x-csrf-token": body.csrfToken },
        ...(payload === undefined ? {} : { payload: payload as object }),
      }),
  };
}

export interface CreatedKey {
  id: string;
  secret: string;
}

/** Generates a key through the console API, as the console does. */
export async function generateKey(
  client: ConsoleClient,
  permissions: Permissions = { all: true },
  name = "Internal Reporting Dashboard",
): Promise<CreatedKey> {
  const response = await client.request("POST", "/console/api/keys", { name, permissions });
  if (response.statusCode !== 201)
    throw new Error(`key creation failed: ${response.statusCode} ${response.body}`);
  const body = response.json() as { key: { id: string }; secret: string };
  return { id: body.key.id, secret: body.secret };
}

/** Calls the marketplace API with a key, as an integration would. */
export function callApi(t: TestApp, secret: string, url: string, method: Method = "GET", payload?: unknown) {
  return t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${secret}` },
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
}
