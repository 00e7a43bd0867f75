import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countKeysInDatabase, expectError, getKey, listKeys, reportingRead } from "../http/helpers.js";
import { callApi, createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp, uniqueEmail } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

function postSession(email: string, password: string) {
  return t.app.inject({ method: "POST", url: "/console/api/session", payload: { email, password } });
}

/** Signs in and keeps the raw cookie and CSRF token, so tests can send them — or leave them out. */
async function rawSignIn(email: string) {
  const response = await postSession(email, testPassword);
  expect(response.statusCode, response.body).toBe(200);
  const cookie = response.cookies.find((c) => c.name === "keyward_session");
  const { csrfToken } = response.json() as { csrfToken: string };
  return { token: cookie!.value, csrfToken };
}

function withSession(
  token: string,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  url: string,
  headers: Record<string, string> = {},
  payload?: object,
): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method,
    url,
    cookies: { keyward_session: token },
    headers,
    ...(payload === undefined ? {} : { payload }),
  });
}

describe("Signing in", () => {
  it("gives a wrong password and an unknown email the same 401 invalid_credentials", async () => {
    const account = await createTestAccount(t);
    const wrongPassword = expectError(
      await postSession(account.admin.email, "not-the-password-at-all"),
      401,
      "invalid_credentials",
    );
    const unknownEmail = expectError(
      await postSession(uniqueEmail("nobody"), testPassword),
      401,
      "invalid_credentials",
    );
    expect(wrongPassword.message).toBe(unknownEmail.message);
  });

  it("sets no session cookie when the credentials are wrong", async () => {
    const account = await createTestAccount(t);
    const response = await postSession(account.admin.email, "not-the-password-at-all");
    expect(response.statusCode).toBe(401);
    expect(response.cookies.find((c) => c.name === "keyward_session")).toBeUndefined();
  });

  it("tells a deactivated user so only after the right password; a wrong one gets the usual answer", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager();
    await account.admin.request("POST", `/console/api/users/${manager.userId}/deactivate`);
    const deactivated = expectError(await postSession(manager.email, testPassword), 403, "user_deactivated");
    expect(deactivated.message).toBe("This user has been deactivated. Ask an Administrator.");
    const wrongPassword = expectError(
      await postSession(manager.email, "not-the-password-at-all"),
      401,
      "invalid_credentials",
    );
    const unknownEmail = expectError(
      await postSession(uniqueEmail("nobody"), testPassword),
      401,
      "invalid_credentials",
    );
    expect(wrongPassword.message).toBe(unknownEmail.message);
  });

  it("accepts the email in any case and with spaces around it", async () => {
    const account = await createTestAccount(t);
    const response = await postSession(`  ${account.admin.email.toUpperCase()} `, testPassword);
    expect(response.statusCode, response.body).toBe(200);
  });

  it("answers GET /session with the user, the account and the same CSRF token", async () => {
    const account = await createTestAccount(t);
    const session = await rawSignIn(account.admin.email);
    const response = await withSession(session.token, "GET", "/console/api/session");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      user: { id: account.admin.userId, role: "administrator", hasApiAccess: true },
      account: { id: account.accountId },
      csrfToken: session.csrfToken,
    });
  });

  it("answers 401 not_signed_in without a session, or with a made-up one", async () => {
    expectError(await t.app.inject({ method: "GET", url: "/console/api/keys" }), 401, "not_signed_in");
    expectError(await withSession("made-up-token", "GET", "/console/api/keys"), 401, "not_signed_in");
    expectError(await t.app.inject({ method: "GET", url: "/console/api/session" }), 401, "not_signed_in");
  });
});

describe("CSRF protection", () => {
  it("refuses a state-changing call without X-CSRF-Token, and changes nothing", async () => {
    const account = await createTestAccount(t);
    const session = await rawSignIn(account.admin.email);
    const key = await generateKey(account.admin, reportingRead, "Protected");
    const manager = await account.addManager({ apiAccess: true });
    const keysBefore = await countKeysInDatabase(t, account.accountId);

    const attempts: [string, string, object | undefined][] = [
      ["POST", "/console/api/keys", { name: "Forged", permissions: { all: true } }],
      ["PATCH", `/console/api/keys/${key.id}`, { name: "Forged", permissions: { all: true } }],
      ["POST", `/console/api/keys/${key.id}/revoke`, undefined],
      ["DELETE", `/console/api/users/${manager.userId}/api-access`, undefined],
      ["POST", `/console/api/users/${manager.userId}/deactivate`, undefined],
      ["DELETE", "/console/api/session", undefined],
    ];
    for (const [method, url, payload] of attempts) {
      const response = await withSession(session.token, method as "POST", url, {}, payload);
      expectError(response, 403, "csrf_failed");
    }

    expect(await countKeysInDatabase(t, account.accountId)).toBe(keysBefore);
    expect(await getKey(account.admin, key.id)).toMatchObject({
      name: "Protected",
      permissions: reportingRead,
      status: "active",
    });
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
    expect((await manager.request("GET", "/console/api/keys")).statusCode).toBe(200);
    expect((await withSession(session.token, "GET", "/console/api/session")).statusCode).toBe(200);
  });

  it("refuses a wrong token, or another session's token, and changes nothing", async () => {
    const account = await createTestAccount(t);
    const session = await rawSignIn(account.admin.email);
    const otherAccount = await createTestAccount(t);
    const otherSession = await rawSignIn(otherAccount.admin.email);
    const key = await generateKey(account.admin, reportingRead, "Protected");

    for (const token of ["wrong", `${session.csrfToken}x`, otherSession.csrfToken, session.token]) {
      const response = await withSession(
        session.token,
        "PATCH",
        `/console/api/keys/${key.id}`,
        { "x-csrf-token": token },
        { name: "Forged" },
      );
      expectError(response, 403, "csrf_failed");
    }
    expect((await getKey(account.admin, key.id)).name).toBe("Protected");

    const accepted = await withSession(
      session.token,
      "PATCH",
      `/console/api/keys/${key.id}`,
      { "x-csrf-token": session.csrfToken },
      { name: "Renamed properly" },
    );
    expect(accepted.statusCode, accepted.body).toBe(200);
  });
});

describe("Signing out", () => {
  it("ends the session on the server: the old cookie no longer works", async () => {
    const account = await createTestAccount(t);
    const session = await rawSignIn(account.admin.email);
    const response = await withSession(session.token, "DELETE", "/console/api/session", {
      "x-csrf-token": session.csrfToken,
    });
    expect(response.statusCode, response.body).toBe(204);

    expectError(await withSession(session.token, "GET", "/console/api/session"), 401, "not_signed_in");
    expectError(await withSession(session.token, "GET", "/console/api/keys"), 401, "not_signed_in");
    expectError(
      await withSession(
        session.token,
        "POST",
        "/console/api/keys",
        { "x-csrf-token": session.csrfToken },
        { name: "After sign-out", permissions: { all: true } },
      ),
      401,
      "not_signed_in",
    );
  });

  it("ends only that session: the user's other sessions and keys keep working", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    const session = await rawSignIn(account.admin.email);
    await withSession(session.token, "DELETE", "/console/api/session", { "x-csrf-token": session.csrfToken });
    expect((await listKeys(account.admin)).map((k) => k.id)).toEqual([key.id]);
    expect((await callApi(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
  });
});
