import { afterAll, describe, expect, it } from "vitest";
import { fingerprint } from "../hardening/support/fingerprint.js";
import { type OpenSession, openSession, sessionIdOf } from "../hardening/support/sessions.js";
import { expectError, readAudit } from "../http/helpers.js";
import { createTestAccount, testPassword } from "../support/accounts.js";
import { createTestApp } from "../support/test-app.js";

const t = await createTestApp();
afterAll(async () => t.close());

interface SessionItem {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  ip: string | null;
  isCurrent: boolean;
}

async function listSessions(session: OpenSession): Promise<SessionItem[]> {
  const response = await session.request("GET", "/console/api/session/sessions");
  expect(response.statusCode, response.body).toBe(200);
  return (response.json() as { items: SessionItem[] }).items;
}

/** A Manager signed in from three browsers (addresses 10.0.0.1–3); the last one is "this" browser. */
async function managerOnThreeBrowsers() {
  const account = await createTestAccount(t);
  const manager = await account.addManager();
  const first = await openSession(t, manager.email, { ip: "10.0.0.1" });
  const second = await openSession(t, manager.email, { ip: "10.0.0.2" });
  const current = await openSession(t, manager.email, { ip: "10.0.0.3" });
  return { account, manager, first, second, current };
}

describe("Your sessions", () => {
  it("lists the user's open sessions, newest first, with the current one marked", async () => {
    const { first, second, current } = await managerOnThreeBrowsers();
    const items = await listSessions(current);
    // The fourth is the sign-in addManager made for the test, from the default test address.
    expect(items.map((item) => item.ip)).toEqual(["10.0.0.3", "10.0.0.2", "10.0.0.1", "127.0.0.1"]);
    expect(items.map((item) => item.isCurrent)).toEqual([true, false, false, false]);
    expect(items[0]?.id).toBe(await sessionIdOf(t, current));
    expect(items.slice(1, 3).map((item) => item.id)).toEqual([
      await sessionIdOf(t, second),
      await sessionIdOf(t, first),
    ]);
    for (const item of items) {
      expect(item.id).toMatch(/^ses_[0-9A-Z]{26}$/);
      expect(Date.parse(item.createdAt)).not.toBeNaN();
      expect(Date.parse(item.lastSeenAt)).not.toBeNaN();
    }
  });

  it("shows neither the session tokens nor their hashes, only public ids", async () => {
    const { first, current } = await managerOnThreeBrowsers();
    const response = await current.request("GET", "/console/api/session/sessions");
    const hashes = await t.database.db.selectFrom("sessions").select("id_hash").execute();
    for (const secret of [
      current.token,
      first.token,
      current.csrfToken,
      ...hashes.map((row) => row.id_hash),
    ]) {
      expect(response.body).not.toContain(secret);
    }
  });

  it("shows no session of another user, of this account or another", async () => {
    const { account, current } = await managerOnThreeBrowsers();
    const colleague = await openSession(t, account.admin.email);
    const stranger = await openSession(t, (await createTestAccount(t)).admin.email);
    const ids = (await listSessions(current)).map((item) => item.id);
    expect(ids).not.toContain(await sessionIdOf(t, colleague));
    expect(ids).not.toContain(await sessionIdOf(t, stranger));
  });

  it("signs out one other session: its cookie stops working at once, the others keep working", async () => {
    const { account, first, second, current } = await managerOnThreeBrowsers();
    const response = await current.request(
      "DELETE",
      `/console/api/session/sessions/${await sessionIdOf(t, first)}`,
    );
    expect(response.statusCode, response.body).toBe(204);
    expectError(await first.request("GET", "/console/api/session"), 401, "not_signed_in");
    expect((await second.request("GET", "/console/api/session")).statusCode).toBe(200);
    expect((await current.request("GET", "/console/api/session")).statusCode).toBe(200);
    const { items } = await readAudit(account.admin, "action=user.sessions_ended");
    expect(items[0]).toMatchObject({ details: { endedSessions: 1 } });
  });

  it("answers 404 for another user's session, in this account or another, and ends nothing", async () => {
    const { account, current } = await managerOnThreeBrowsers();
    const colleague = await openSession(t, account.admin.email);
    const stranger = await openSession(t, (await createTestAccount(t)).admin.email);
    const before = await fingerprint(t.database.db);
    for (const victim of [colleague, stranger]) {
      const url = `/console/api/session/sessions/${await sessionIdOf(t, victim)}`;
      expectError(await current.request("DELETE", url), 404, "not_found");
      expect((await victim.request("GET", "/console/api/session")).statusCode).toBe(200);
    }
    expectError(
      await current.request("DELETE", "/console/api/session/sessions/ses_nothing"),
      404,
      "not_found",
    );
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it("refuses to end the current session by id: signing out does that", async () => {
    const { current } = await managerOnThreeBrowsers();
    const before = await fingerprint(t.database.db);
    const url = `/console/api/session/sessions/${await sessionIdOf(t, current)}`;
    const error = expectError(await current.request("DELETE", url), 409, "conflict");
    expect(error.message).toMatch(/sign out/);
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it("signs out every other session of the user and keeps this one", async () => {
    const { account, manager, first, second, current } = await managerOnThreeBrowsers();
    const colleague = await openSession(t, account.admin.email);
    const response = await current.request("POST", "/console/api/session/sessions/end-others");
    expect(response.json()).toEqual({ endedSessions: 3 });
    for (const ended of [first, second]) {
      expectError(await ended.request("GET", "/console/api/session"), 401, "not_signed_in");
    }
    expect((await listSessions(current)).map((item) => item.isCurrent)).toEqual([true]);
    expect((await colleague.request("GET", "/console/api/session")).statusCode).toBe(200);
    expect(
      (
        await t.app.inject({
          method: "POST",
          url: "/console/api/session",
          payload: { email: manager.email, password: testPassword },
        })
      ).statusCode,
    ).toBe(200);
    const again = await current.request("POST", "/console/api/session/sessions/end-others");
    expect(again.json()).toEqual({ endedSessions: 1 });
  });

  it("leaves out sessions that have expired", async () => {
    const { first, current } = await managerOnThreeBrowsers();
    const longAgo = new Date(Date.now() - 30 * 24 * 3_600_000).toISOString();
    await t.database.db
      .updateTable("sessions")
      .set({ created_at: longAgo, last_seen_at: longAgo })
      .where("public_id", "=", await sessionIdOf(t, first))
      .execute();
    const ids = (await listSessions(current)).map((item) => item.id);
    expect(ids).toHaveLength(3);
    expect(ids).not.toContain(await sessionIdOf(t, first));
  });

  it("needs the session's CSRF token to end sessions, and ends nothing without it", async () => {
    const { first, current } = await managerOnThreeBrowsers();
    const before = await fingerprint(t.database.db);
    const url = `/console/api/session/sessions/${await sessionIdOf(t, first)}`;
    expectError(await current.request("DELETE", url, undefined, { csrf: null }), 403, "csrf_failed");
    expectError(
      await current.request("POST", "/console/api/session/sessions/end-others", undefined, { csrf: null }),
      403,
      "csrf_failed",
    );
    expect(await fingerprint(t.database.db)).toEqual(before);
  });
});
