import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken } from "../../src/sessions/sessions.js";
import { fingerprint } from "../hardening/support/fingerprint.js";
import { leakIdsOf } from "../hardening/support/leak-ids.js";
import { sessionCookieOf } from "../hardening/support/requests.js";
import { expectError } from "../hardening/support/responses.js";
import { fillPath, isConsoleRoute, isStateChanging, routeKey } from "../hardening/support/routes.js";
import { openSession, sessionIdOf } from "../hardening/support/sessions.js";
import { createServiceToken } from "../service/support.js";
import { createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

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

  it("ends a user's sessions when an Administrator deactivates them", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const session = await openSession(t, manager.email);
    expect(
      (await account.admin.request("POST", `/console/api/users/${manager.userId}/deactivate`)).statusCode,
    ).toBe(200);
    expectError(await session.request("GET", "/console/api/session"), 401, "not_signed_in");
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
    const ids = {
      keys: victimKey.id,
      users: victimManager.userId,
      sessions: await sessionIdOf(t, await openSession(t, account.admin.email)),
      ...(await leakIdsOf(t, account.accountId, account.admin)),
      "service-tokens": (await createServiceToken(account.admin)).id,
    };
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

describe("session activity", () => {
  // Five idle minutes: long enough for a session to be touched (at most once a minute) before it expires.
  let idle: TestApp;
  beforeAll(async () => {
    idle = await createTestApp({ env: { KEYWARD_SESSION_IDLE_MINUTES: "5" } });
  });
  afterAll(async () => idle.close());

  const lastSeen = async (token: string) =>
    (
      await idle.database.db
        .selectFrom("sessions")
        .select("last_seen_at")
        .where("id_hash", "=", hashSessionToken(token))
        .executeTakeFirstOrThrow()
    ).last_seen_at;
  const setLastSeen = (token: string, msAgo: number) =>
    idle.database.db
      .updateTable("sessions")
      .set({ last_seen_at: new Date(Date.now() - msAgo).toISOString() })
      .where("id_hash", "=", hashSessionToken(token))
      .execute();

  it("doesn't count the console's background polls as activity, so a tab left open still goes idle", async () => {
    const { admin } = await createTestAccount(idle);
    const session = await openSession(idle, admin.email);
    const call = (background: boolean) =>
      idle.app.inject({
        method: "GET",
        url: "/console/api/inbox",
        cookies: { keyward_session: session.token },
        headers: background ? { "x-keyward-background": "1" } : {},
      });

    await setLastSeen(session.token, 90_000);
    const idleSince = await lastSeen(session.token);
    expect((await call(true)).statusCode).toBe(200);
    expect(await lastSeen(session.token)).toBe(idleSince);

    expect((await call(false)).statusCode).toBe(200);
    expect(Date.parse(await lastSeen(session.token))).toBeGreaterThan(Date.parse(idleSince));

    await setLastSeen(session.token, 6 * 60_000);
    expectError(await call(true), 401, "not_signed_in");
  });
});
