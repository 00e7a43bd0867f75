import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp, uniqueEmail } from "../support/test-app.js";
import { uniqueIp } from "./support/network.js";
import { attemptSignIn, callWithKey, sessionCookieOf, unknownKey } from "./support/requests.js";
import { expectError } from "./support/responses.js";

// KEYWARD_TRUST_PROXY=1: Keyward sits behind one proxy it trusts, so the address that proxy appended to
// X-Forwarded-For names the client and X-Forwarded-Proto the scheme (KEYWARD_SECURE_COOKIES=auto, the default).
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { KEYWARD_TRUST_PROXY: "1", KEYWARD_SECURE_COOKIES: "auto" } });
});
afterAll(async () => t.close());

/** The address Keyward saw, as the audit trail records it for a sign-in. */
async function signInAddress(app: TestApp, forwardedFor: string, peer: string): Promise<string | null> {
  const { admin } = await createTestAccount(app);
  const response = await attemptSignIn(app, {
    email: admin.email,
    password: testPassword,
    ip: peer,
    headers: { "x-forwarded-for": forwardedFor },
  });
  expect(response.statusCode, response.body).toBe(200);
  const event = await app.database.db
    .selectFrom("audit_events")
    .select("ip")
    .where("action", "=", "user.signed_in")
    .where("actor_user_id", "=", admin.userId)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return event.ip;
}

describe("which X-Forwarded-For hops are trusted", () => {
  it("refuses KEYWARD_TRUST_PROXY=true, which would let a client pick its own address", async () => {
    await expect(createTestApp({ env: { KEYWARD_TRUST_PROXY: "true" } })).rejects.toThrow(
      /KEYWARD_TRUST_PROXY: true would trust every X-Forwarded-For hop/,
    );
  });

  it("refuses an entry that is neither an address nor a CIDR range, naming it", async () => {
    await expect(
      createTestApp({ env: { KEYWARD_TRUST_PROXY: "10.0.0.0/8,proxy.internal" } }),
    ).rejects.toThrow(/KEYWARD_TRUST_PROXY: "proxy.internal" is not an IP address or CIDR range/);
  });

  it("with one trusted hop, ignores the addresses a client put in front of the proxy's", async () => {
    const client = uniqueIp();
    expect(await signInAddress(t, `203.0.113.66, ${client}`, uniqueIp())).toBe(client);
  });

  it("with a list of proxies, trusts X-Forwarded-For only from them", async () => {
    const listed = await createTestApp({ env: { KEYWARD_TRUST_PROXY: "198.18.0.0/15" } });
    try {
      const client = "203.0.113.7";
      // From a listed proxy, the right-most address that is not a proxy is the client.
      expect(await signInAddress(listed, `203.0.113.66, ${client}`, uniqueIp())).toBe(client);
      // From anyone else, the header is the client's own claim and is ignored.
      expect(await signInAddress(listed, client, "192.0.2.10")).toBe("192.0.2.10");
    } finally {
      await listed.close();
    }
  });
});

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
