import { afterAll, describe, expect, it } from "vitest";
import { fingerprint } from "../hardening/support/fingerprint.js";
import { type OpenSession, openSession } from "../hardening/support/sessions.js";
import { expectError, readAudit } from "../http/helpers.js";
import { createTestAccount, type TestAccount, testPassword } from "../support/accounts.js";
import { createTestApp } from "../support/test-app.js";

// Sign-in failures allowed per email before lock-outs: kept small so the throttle test is quick.
const t = await createTestApp({ env: { KEYWARD_SIGN_IN_FAILURES_PER_EMAIL: "3" } });
afterAll(async () => t.close());

const newPassword = "a-brand-new-passphrase-2026";

function changePassword(session: OpenSession, body: Record<string, unknown>) {
  return session.request("POST", "/console/api/session/password", body);
}

function signInWith(email: string, password: string) {
  return t.app.inject({ method: "POST", url: "/console/api/session", payload: { email, password } });
}

/** A Manager with two sessions (two browsers): the one that changes the password, and another. */
async function managerWithTwoSessions(account?: TestAccount) {
  const manager = await (account ?? (await createTestAccount(t))).addManager({ apiAccess: true });
  const current = await openSession(t, manager.email);
  const other = await openSession(t, manager.email);
  return { manager, current, other };
}

describe("Changing your own password", () => {
  it("takes the new password for signing in and no longer the old one", async () => {
    const { manager, current } = await managerWithTwoSessions();
    const response = await changePassword(current, { currentPassword: testPassword, newPassword });
    expect(response.statusCode, response.body).toBe(200);
    expect((await signInWith(manager.email, newPassword)).statusCode).toBe(200);
    expectError(await signInWith(manager.email, testPassword), 401, "invalid_credentials");
  });

  it("signs out every other session of the user and keeps the one that made the change", async () => {
    const account = await createTestAccount(t);
    const { current, other } = await managerWithTwoSessions(account);
    const colleague = await openSession(t, account.admin.email);
    const response = await changePassword(current, { currentPassword: testPassword, newPassword });
    expect(response.json()).toEqual({ endedSessions: 2 });
    expect((await current.request("GET", "/console/api/session")).statusCode).toBe(200);
    expectError(await other.request("GET", "/console/api/session"), 401, "not_signed_in");
    expect((await colleague.request("GET", "/console/api/session")).statusCode).toBe(200);
  });

  it("is open to every role: an Administrator changes theirs the same way", async () => {
    const account = await createTestAccount(t);
    const admin = await openSession(t, account.admin.email);
    const response = await changePassword(admin, { currentPassword: testPassword, newPassword });
    expect(response.statusCode, response.body).toBe(200);
  });

  it("records user.password_changed in the account's audit trail, with no password in it or in the logs", async () => {
    const account = await createTestAccount(t);
    const { manager, current } = await managerWithTwoSessions(account);
    await changePassword(current, { currentPassword: testPassword, newPassword });
    const { items } = await readAudit(account.admin, "action=user.password_changed");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      actor: { id: manager.userId, label: manager.email },
      target: { type: "user", id: manager.userId },
      details: { email: manager.email, endedSessions: 2 },
    });
    for (const text of [JSON.stringify(items), t.logs.join("")]) {
      expect(text).not.toContain(newPassword);
      expect(text).not.toContain(testPassword);
    }
  });

  it("refuses a wrong current password, naming currentPassword, and changes nothing", async () => {
    const { manager, current, other } = await managerWithTwoSessions();
    const before = await fingerprint(t.database.db);
    const error = expectError(
      await changePassword(current, { currentPassword: "not-my-password-at-all", newPassword }),
      400,
      "invalid_request",
    );
    expect(error.fields).toEqual(["currentPassword"]);
    expect(await fingerprint(t.database.db)).toEqual(before);
    expect((await other.request("GET", "/console/api/session")).statusCode).toBe(200);
    expect((await signInWith(manager.email, testPassword)).statusCode).toBe(200);
  });

  it("counts wrong current passwords toward the sign-in throttle for the email, so they are no free oracle", async () => {
    const { manager, current } = await managerWithTwoSessions();
    for (let i = 0; i < 3; i++) {
      await changePassword(current, { currentPassword: `wrong-guess-number-${i}`, newPassword });
    }
    expectError(
      await changePassword(current, { currentPassword: testPassword, newPassword }),
      429,
      "rate_limited",
    );
    expectError(await signInWith(manager.email, testPassword), 429, "rate_limited");
    expect((await current.request("GET", "/console/api/session")).statusCode).toBe(200);
  });

  it.each([
    ["that is shorter than 12 characters", "short-pass1", /at least 12 characters/],
    ["made only of spaces", " ".repeat(16), /only spaces/],
    ["that is a common password", "password1234", /too easy to guess/],
    ["that is a keyboard row", "qwertyuiopasdfgh", /too easy to guess/],
    ["that is over 256 characters", `${"long-phrase-".repeat(22)}x`, /at most 256 characters/],
  ])(
    "refuses a new password %s, naming newPassword and saying what to change",
    async (_label, weak, reason) => {
      const { manager, current, other } = await managerWithTwoSessions();
      const before = await fingerprint(t.database.db);
      const error = expectError(
        await changePassword(current, { currentPassword: testPassword, newPassword: weak }),
        400,
        "invalid_request",
      );
      expect(error.fields).toEqual(["newPassword"]);
      expect(error.message).toMatch(reason);
      expect(await fingerprint(t.database.db)).toEqual(before);
      expect((await other.request("GET", "/console/api/session")).statusCode).toBe(200);
      expect((await signInWith(manager.email, testPassword)).statusCode).toBe(200);
    },
  );

  it("refuses a new password equal to the current one", async () => {
    const { current } = await managerWithTwoSessions();
    const before = await fingerprint(t.database.db);
    const error = expectError(
      await changePassword(current, { currentPassword: testPassword, newPassword: testPassword }),
      400,
      "invalid_request",
    );
    expect(error.fields).toEqual(["newPassword"]);
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it("needs a session and the session's CSRF token", async () => {
    const { current } = await managerWithTwoSessions();
    const before = await fingerprint(t.database.db);
    const anonymous = await t.app.inject({
      method: "POST",
      url: "/console/api/session/password",
      payload: { currentPassword: testPassword, newPassword },
    });
    expectError(anonymous, 401, "not_signed_in");
    const withoutToken = await current.request(
      "POST",
      "/console/api/session/password",
      { currentPassword: testPassword, newPassword },
      { csrf: null },
    );
    expectError(withoutToken, 403, "csrf_failed");
    expect(await fingerprint(t.database.db)).toEqual(before);
  });
});
