import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp, uniqueEmail } from "../support/test-app.js";
import { uniqueIp } from "./support/network.js";
import { attemptSignIn, callWithKey, sessionCookieOf, unknownKey } from "./support/requests.js";
import { expectError } from "./support/responses.js";

// KEYWARD_TRUST_PROXY=true: Keyward sits behind a proxy it trusts, so X-Forwarded-For names the client and
// X-Forwarded-Proto the scheme (with KEYWARD_SECURE_COOKIES=auto, the default).
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { KEYWARD_TRUST_PROXY: "true", KEYWARD_SECURE_COOKIES: "auto" } });
});
afterAll(async () => t.close());

describe("behind a trusted proxy", () => {
  it("counts failed key verifications per X-Forwarded-For address", async () => {
    const proxy = uniqueIp();
    const attacker = uniqueIp();
    const bystander = uniqueIp();
    const from = (client: string) => ({ ip: proxy, headers: { "x-forwarded-for": client } });
    for (let i = 0; i < 20; i++) {
      expectError(await callWithKey(t, unknownKey(), "/api/v1/key", from(attacker)), 401, "invalid_api_key");
    }
    expectError(await callWithKey(t, unknownKey(), "/api/v1/key", from(attacker)), 429, "rate_limited");
    expectError(await callWithKey(t, unknownKey(), "/api/v1/key", from(bystander)), 401, "invalid_api_key");
  });

  it("serves a valid cached key to a forwarded address that is over the limit", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateKey(admin);
    const client = { ip: uniqueIp(), headers: { "x-forwarded-for": uniqueIp() } };
    expect((await callWithKey(t, key.secret, "/api/v1/key", client)).statusCode).toBe(200);
    for (let i = 0; i < 21; i++) await callWithKey(t, unknownKey(), "/api/v1/key", client);
    expectError(await callWithKey(t, unknownKey(), "/api/v1/key", client), 429, "rate_limited");
    expect((await callWithKey(t, key.secret, "/api/v1/key", client)).statusCode).toBe(200);
  });

  it("locks sign-in per X-Forwarded-For address", async () => {
    const { admin } = await createTestAccount(t);
    const proxy = uniqueIp();
    const attacker = { "x-forwarded-for": uniqueIp() };
    for (let i = 0; i < 50; i++) {
      const response = await attemptSignIn(t, {
        email: uniqueEmail("guess"),
        password: "not-the-password",
        ip: proxy,
        headers: attacker,
      });
      expectError(response, 401, "invalid_credentials");
    }
    const locked = await attemptSignIn(t, {
      email: admin.email,
      password: testPassword,
      ip: proxy,
      headers: attacker,
    });
    expectError(locked, 429, "rate_limited");
    const colleague = { "x-forwarded-for": uniqueIp() };
    const response = await attemptSignIn(t, {
      email: admin.email,
      password: testPassword,
      ip: proxy,
      headers: colleague,
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it("records the forwarded address as the sign-in's address in the audit trail", async () => {
    const { admin } = await createTestAccount(t);
    const client = uniqueIp();
    const response = await attemptSignIn(t, {
      email: admin.email,
      password: testPassword,
      ip: uniqueIp(),
      headers: { "x-forwarded-for": client },
    });
    expect(response.statusCode).toBe(200);
    const event = await t.database.db
      .selectFrom("audit_events")
      .select(["ip", "action"])
      .where("action", "=", "user.signed_in")
      .where("ip", "=", client)
      .executeTakeFirst();
    expect(event).toBeDefined();
  });

  it("marks the session cookie Secure when X-Forwarded-Proto is https, and not over plain HTTP", async () => {
    const { admin } = await createTestAccount(t);
    const overTls = await attemptSignIn(t, {
      email: admin.email,
      password: testPassword,
      headers: { "x-forwarded-proto": "https", "x-forwarded-for": uniqueIp() },
    });
    expect(overTls.statusCode).toBe(200);
    expect(sessionCookieOf(overTls)).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax" });
    const plain = await attemptSignIn(t, { email: admin.email, password: testPassword });
    expect(plain.statusCode).toBe(200);
    expect(sessionCookieOf(plain)?.secure).not.toBe(true);
  });
});
