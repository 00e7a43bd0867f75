import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { uniqueIp } from "../hardening/support/network.js";
import { attemptSignIn, sessionCookieOf } from "../hardening/support/requests.js";
import { expectError } from "../hardening/support/responses.js";
import { createTestAccount, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp, uniqueEmail } from "../support/test-app.js";

// Default configuration: 5 failures per email, 50 per address, then lock-outs of 1 s, 2 s, 4 s…
// Only Date is faked, so the lock-outs can be waited out without sleeping; timers and I/O run for real.
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

const perEmail = 5;
const perAddress = 50;

function waitOut(seconds: number) {
  vi.setSystemTime(Date.now() + seconds * 1000 + 1);
}

async function wrong(email: string, ip = uniqueIp()) {
  expectError(
    await attemptSignIn(t, { email, password: "not-the-password", ip }),
    401,
    "invalid_credentials",
  );
}

async function expectLocked(email: string, password: string, ip = uniqueIp()): Promise<number> {
  const response = await attemptSignIn(t, { email, password, ip });
  expectError(response, 429, "rate_limited");
  expect(sessionCookieOf(response)).toBeUndefined();
  return Number(response.headers["retry-after"]);
}

describe("sign-in throttling per email", () => {
  it("answers 429 with Retry-After after 5 failed sign-ins for one email, from any address", async () => {
    const { admin } = await createTestAccount(t);
    for (let i = 0; i < perEmail; i++) await wrong(admin.email);
    expect(await expectLocked(admin.email, "not-the-password")).toBe(1);
  });

  it("grows the delay with every further failure: 1 s, 2 s, 4 s, 8 s", async () => {
    const { admin } = await createTestAccount(t);
    for (let i = 0; i < perEmail; i++) await wrong(admin.email);
    const delays: number[] = [];
    for (let lock = 0; lock < 4; lock++) {
      const delay = await expectLocked(admin.email, "not-the-password");
      delays.push(delay);
      waitOut(delay);
      await wrong(admin.email);
    }
    expect(delays).toEqual([1, 2, 4, 8]);
  });

  it("refuses the correct password during a lock and opens no session", async () => {
    const { admin } = await createTestAccount(t);
    const sessionsBefore = await countSessions(admin.userId);
    for (let i = 0; i < perEmail; i++) await wrong(admin.email);
    await expectLocked(admin.email, testPassword);
    expect(await countSessions(admin.userId)).toBe(sessionsBefore);
  });

  it("treats the same email in other letter cases and with spaces as one", async () => {
    const { admin } = await createTestAccount(t);
    const variants = [admin.email.toUpperCase(), ` ${admin.email} `, admin.email];
    for (let i = 0; i < perEmail; i++) await wrong(variants[i % variants.length] ?? admin.email);
    await expectLocked(admin.email.toUpperCase(), testPassword);
    await expectLocked(`  ${admin.email}`, testPassword);
  });

  it("resets the count after a successful sign-in", async () => {
    const { admin } = await createTestAccount(t);
    for (let i = 0; i < perEmail; i++) await wrong(admin.email);
    waitOut(await expectLocked(admin.email, testPassword));
    expect((await attemptSignIn(t, { email: admin.email, password: testPassword })).statusCode).toBe(200);
    for (let i = 0; i < perEmail - 1; i++) await wrong(admin.email);
    const response = await attemptSignIn(t, { email: admin.email, password: testPassword });
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe("sign-in throttling per client address", () => {
  it("locks an address after 50 failed sign-ins across many emails, whatever X-Forwarded-For says", async () => {
    const { admin } = await createTestAccount(t);
    const ip = uniqueIp();
    for (let i = 0; i < perAddress; i++) {
      const response = await attemptSignIn(t, {
        email: uniqueEmail("guess"),
        password: "not-the-password",
        ip,
        headers: { "x-forwarded-for": uniqueIp() },
      });
      expectError(response, 401, "invalid_credentials");
    }
    const locked = await attemptSignIn(t, {
      email: admin.email,
      password: testPassword,
      ip,
      headers: { "x-forwarded-for": uniqueIp() },
    });
    expectError(locked, 429, "rate_limited");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    const elsewhere = await attemptSignIn(t, { email: admin.email, password: testPassword, ip: uniqueIp() });
    expect(elsewhere.statusCode, elsewhere.body).toBe(200);
  });
});

async function countSessions(userId: string): Promise<number> {
  const rows = await t.database.db
    .selectFrom("sessions")
    .select("id_hash")
    .where("user_id", "=", userId)
    .execute();
  return rows.length;
}
