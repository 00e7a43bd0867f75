import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { uniqueIp } from "../hardening/support/network.js";
import { attemptSignIn, sessionCookieOf } from "../hardening/support/requests.js";
import { expectError } from "../hardening/support/responses.js";
import { createTestAccount, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp, uniqueEmail } from "../support/test-app.js";
import { burst, countByStatus, countPasswordChecks } from "./support/password-checks.js";

// One instance (counters in its memory), default limits: 5 failures per email, 50 per address.
// Date is faked and frozen, so a lock cannot run out in the middle of a burst however slow the machine
// is: what the test counts is what the reservation allowed, not what the clock allowed.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const wrongPassword = "not-the-password";

describe("a burst of simultaneous sign-ins", () => {
  it("checks at most 5 passwords when 60 sign-ins for one email arrive at once, and refuses the rest with 429", async () => {
    const { admin } = await createTestAccount(t);
    const ip = uniqueIp();
    const checksBefore = await countPasswordChecks(t.database.db, admin.userId);
    // The correct password comes last: before the fix it was checked, and accepted, after 59 guesses.
    const attempts = Array.from({ length: 60 }, (_, i) => ({
      email: admin.email,
      password: i === 59 ? testPassword : wrongPassword,
      ip,
    }));
    const responses = await burst([t], attempts);

    expect(countByStatus(responses)).toEqual({ 401: 5, 429: 55 });
    expect((await countPasswordChecks(t.database.db, admin.userId)) - checksBefore).toBe(5);
    for (const response of responses.filter((r) => r.statusCode === 429)) {
      expectError(response, 429, "rate_limited");
      expect(Number(response.headers["retry-after"])).toBe(1);
      expect(sessionCookieOf(response)).toBeUndefined();
    }
  });

  it("refuses the correct password while the burst's lock lasts, and accepts it once the lock ends", async () => {
    const { admin } = await createTestAccount(t);
    await burst(
      [t],
      Array.from({ length: 60 }, () => ({ email: admin.email, password: wrongPassword, ip: uniqueIp() })),
    );
    const locked = await attemptSignIn(t, { email: admin.email, password: testPassword, ip: uniqueIp() });
    expectError(locked, 429, "rate_limited");
    expect(locked.json().error.message).toBe("Too many failed sign-ins. Try again in 1 s.");
    expect(sessionCookieOf(locked)).toBeUndefined();

    vi.setSystemTime(Date.now() + Number(locked.headers["retry-after"]) * 1000);
    const accepted = await attemptSignIn(t, { email: admin.email, password: testPassword, ip: uniqueIp() });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(sessionCookieOf(accepted)).toBeDefined();
  });

  it("checks at most 50 passwords when 60 sign-ins for different emails arrive at once from one address", async () => {
    const ip = uniqueIp();
    const attempts = Array.from({ length: 60 }, () => ({
      email: uniqueEmail("guess"),
      password: wrongPassword,
      ip,
    }));
    const responses = await burst([t], attempts);
    // A 401 invalid_credentials is only ever answered after argon2 has checked the password.
    expect(countByStatus(responses)).toEqual({ 401: 50, 429: 10 });
    const elsewhere = await attemptSignIn(t, { email: uniqueEmail("guess"), password: wrongPassword });
    expectError(elsewhere, 401, "invalid_credentials");
  });

  it("does not count the attempts it refused: a locked-out burst does not lengthen the lock", async () => {
    const { admin } = await createTestAccount(t);
    const ip = uniqueIp();
    const wrong = () => ({ email: admin.email, password: wrongPassword, ip });
    await burst([t], Array.from({ length: 60 }, wrong));
    await burst([t], Array.from({ length: 60 }, wrong));
    const locked = await attemptSignIn(t, wrong());
    expect(Number(locked.headers["retry-after"])).toBe(1);
  });
});
