import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenFor, hashSessionToken } from "../../src/sessions/sessions.js";
import { createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { fingerprint } from "./support/fingerprint.js";
import { sessionCookieOf } from "./support/requests.js";
import { expectError } from "./support/responses.js";
import { fillPath, isConsoleRoute, isStateChanging, routeKey } from "./support/routes.js";
import { openSession, sessionFrom } from "./support/sessions.js";

// Sessions expire after one idle minute here (KEYWARD_SESSION_IDLE_MINUTES=1); tests move last_seen_at
// into the past in the database instead of sleeping. KEYWARD_TRUST_PROXY is off, cookies are "auto".
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { KEYWARD_SESSION_IDLE_MINUTES: "1" } });
});
afterAll(async () => t.close());

async function sessionRow(token: string) {
  return t.database.db
    .selectFrom("sessions")
    .selectAll()
    .where("id_hash", "=", hashSessionToken(token))
    .executeTakeFirst();
}

async function backdate(token: string, column: "last_seen_at" | "created_at", ms: number) {
  await t.database.db
    .updateTable("sessions")
    .set({ [column]: new Date(Date.now() - ms).toISOString() })
    .where("id_hash", "=", hashSessionToken(token))
    .execute();
}

describe("session lifetime", () => {
  it("rotates the session on sign-in: the cookie the browser already had stops working", async () => {
    const { admin } = await createTestAccount(t);
    const first = await openSession(t, admin.email);
    const second = await openSession(t, admin.email, { previousToken: first.token });
    expect(second.token).not.toBe(first.token);
    expectError(await first.request("GET", "/console/api/session"), 401, "not_signed_in");
    expect(await sessionRow(first.token)).toBeUndefined();
    expect((await second.request("GET", "/console/api/session")).statusCode).toBe(200);
  });

  it("ends a session idle for longer than KEYWARD_SESSION_IDLE_MINUTES, and deletes it", async () => {
    const { admin } = await createTestAccount(t);
    const session = await openSession(t, admin.email);
    await backdate(session.token, "last_seen_at", 2 * 60_000);
    expectError(await session.request("GET", "/console/api/keys"), 401, "not_signed_in");
    expect(await sessionRow(session.token)).toBeUndefined();
  });

  it("keeps a session that was used within the idle time", async () => {
    const { admin } = await createTestAccount(t);
    const session = await openSession(t, admin.email);
    await backdate(session.token, "last_seen_at", 30_000);
    expect((await session.request("GET", "/console/api/keys")).statusCode).toBe(200);
  });

  it("ends a session older than KEYWARD_SESSION_MAX_HOURS even while it is in use", async () => {
    const { admin } = await createTestAccount(t);
    const session = await openSession(t, admin.email);
    await backdate(session.token, "created_at", 169 * 3_600_000);
    expectError(await session.request("GET", "/console/api/keys"), 401, "not_signed_in");
  });

  it("ends the session on the server at sign-out, so a copied cookie is useless afterwards", async () => {
    const { admin } = await createTestAccount(t);
    const session = await openSession(t, admin.email);
    const response = await session.request("DELETE", "/console/api/session");
    expect(response.statusCode).toBe(204);
    const cleared = sessionCookieOf(response);
    expect(cleared?.value ?? "").toBe("");
    expect(await sessionRow(session.token)).toBeUndefined();
    const replayed = sessionFrom(t, session);
    expectError(await replayed.request("GET", "/console/api/session"), 401, "not_signed_in");
    expectError(
      await replayed.request("POST", "/console/api/keys", {
        name: "after sign-out",
        permissions: { all: true },
      }),
      401,
      "not_signed_in",
    );
  });

  it("ends a user's sessions when an Administrator deactivates them", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const session = await openSession(t, manager.email);
    expect(
      (await account.admin.request("POST", `/console/api/users/${manager.userId}/deactivate`)).statusCode,
    ).toBe(200);
    expectError(await session.request("GET", "/console/api/session"), 401, "not_signed_in");
  });

  it("refuses a made-up session cookie", async () => {
    const token = randomBytes(32).toString("base64url");
    const forged = sessionFrom(t, { userId: "", email: "", token, csrfToken: csrfTokenFor(token) });
    expectError(await forged.request("GET", "/console/api/keys"), 401, "not_signed_in");
  });

  it("stores only a SHA-256 of the session token, never the token", async () => {
    const { admin } = await createTestAccount(t);
    const session = await openSession(t, admin.email);
    const row = await sessionRow(session.token);
    expect(row).toBeDefined();
    expect(JSON.stringify(row)).not.toContain(session.token);
  });
});

describe("session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/, and not Secure over plain HTTP (auto)", async () => {
    const { admin } = await createTestAccount(t);
    const response = await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: admin.email, password: testPassword },
    });
    const cookie = sessionCookieOf(response);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    expect(cookie?.secure).not.toBe(true);
    expect(String(response.headers["set-cookie"])).toMatch(/HttpOnly/);
    expect(String(response.headers["set-cookie"])).toMatch(/SameSite=Lax/);
  });

  it("ignores X-Forwarded-Proto when trustProxy is off", async () => {
    const { admin } = await createTestAccount(t);
    const response = await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      headers: { "x-forwarded-proto": "https" },
      payload: { email: admin.email, password: testPassword },
    });
    expect(sessionCookieOf(response)?.secure).not.toBe(true);
  });
});

describe("CSRF protection", () => {
  it("refuses every state-changing console route without the session's X-CSRF-Token, changing nothing", async () => {
    const account = await createTestAccount(t);
    const admin = await openSession(t, account.admin.email);
    const other = await openSession(t, (await account.addAdministrator()).email);
    const victimKey = await generateKey(account.admin);
    const victimManager = await account.addManager({ apiAccess: true });
    const ids = { keys: victimKey.id, users: victimManager.userId };
    const routes = t.routes.filter(
      (route) => isConsoleRoute(route) && isStateChanging(route) && !route.isPublic,
    );
    expect(routes.length).toBeGreaterThan(5);
    const wrongTokens: [string, string | null][] = [
      ["no header", null],
      ["an empty header", ""],
      ["another session's token", other.csrfToken],
      [
        "the token with one character changed",
        `${admin.csrfToken.slice(0, -1)}${admin.csrfToken.endsWith("A") ? "B" : "A"}`,
      ],
      ["a token of the wrong length", `${admin.csrfToken}x`],
      ["the session cookie itself", admin.token],
    ];
    const before = await fingerprint(t.database.db);
    for (const route of routes) {
      for (const [label, csrf] of wrongTokens) {
        // No body: the check must come before the body is even parsed.
        const response = await admin.request(route.method as "POST", fillPath(route, ids), undefined, {
          csrf,
        });
        expect(response.statusCode, `${routeKey(route)} with ${label}: ${response.body}`).toBe(403);
        expectError(response, 403, "csrf_failed");
      }
    }
    expect(await fingerprint(t.database.db)).toEqual(before);
    expect((await admin.request("GET", "/console/api/session")).statusCode).toBe(200);
  });

  it("needs no token for reads", async () => {
    const { admin } = await createTestAccount(t);
    const session = await openSession(t, admin.email);
    expect((await session.request("GET", "/console/api/keys", undefined, { csrf: null })).statusCode).toBe(
      200,
    );
  });

  it("accepts the session's own token", async () => {
    const { admin } = await createTestAccount(t);
    const session = await openSession(t, admin.email);
    const response = await session.request("POST", "/console/api/keys", {
      name: "With CSRF",
      permissions: { all: true },
    });
    expect(response.statusCode).toBe(201);
  });
});
