import { randomBytes } from "node:crypto";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueIp } from "../hardening/support/network.js";
import { callWithKey } from "../hardening/support/requests.js";
import { editKey, generateWith } from "../hygiene/support.js";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";

// Per-key rate limits, counted in windows aligned to the clock. Hour windows keep a test inside one
// window (a minute window would let a test that straddles :00 see two budgets).

const redisUrl = "redis://127.0.0.1:6379";

function successes(responses: LightMyRequestResponse[]): number {
  return responses.filter((response) => response.statusCode === 200).length;
}

/** `count` requests at once from one client: all in flight together, as a burst would be. */
function burst(t: TestApp, secret: string, count: number, ip = uniqueIp()) {
  return Promise.all(Array.from({ length: count }, () => callWithKey(t, secret, "/api/v1/key", { ip })));
}

describe("a key's rate limit on one instance", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it("admits exactly N requests of a concurrent burst of 3 × N, and refuses the rest with 429", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { rateLimit: "40/h" });
    const responses = await burst(t, key.secret, 120);
    expect(successes(responses)).toBe(40);
    for (const refused of responses.filter((response) => response.statusCode !== 200)) {
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe("rate_limited");
      expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
      expect(Number(refused.headers["retry-after"])).toBeLessThanOrEqual(3600);
    }
    // Still refused afterwards: the window's budget is spent, not reset by the refusals.
    expect((await callWithKey(t, key.secret, "/api/v1/key")).statusCode).toBe(429);
  });

  it("tells the client its policy and what is left on every response of a limited key", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { rateLimit: "3/h" });
    const remaining: number[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await callWithKey(t, key.secret, "/api/v1/key");
      expect(response.headers["ratelimit-policy"]).toBe('"key";q=3;w=3600');
      const state = /^"key";r=(\d+);t=(\d+)$/.exec(String(response.headers.ratelimit));
      expect(state, String(response.headers.ratelimit)).not.toBeNull();
      remaining.push(Number(state?.[1]));
      expect(Number(state?.[2])).toBeLessThanOrEqual(3600);
      expect(response.statusCode).toBe(i < 3 ? 200 : 429);
    }
    // An upper bound that never grows within the window, and 0 once it is spent.
    expect(remaining.at(-1)).toBe(0);
    expect([...remaining].sort((a, b) => b - a)).toEqual(remaining);
  });

  it("sends no RateLimit fields and never refuses a key without a limit", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { rateLimit: "none" });
    const responses = await burst(t, key.secret, 60);
    expect(successes(responses)).toBe(60);
    expect(responses[0]?.headers["ratelimit-policy"]).toBeUndefined();
    expect(responses[0]?.headers.ratelimit).toBeUndefined();
  });

  it("gives new keys the account's default limit, and `none` on a key overrides it", async () => {
    const { admin } = await createTestAccount(t);
    const policy = await admin.request("PATCH", "/console/api/account/policy", { defaultRateLimit: "2/h" });
    expect(policy.statusCode, policy.body).toBe(200);
    const inherited = await generateWith(admin, {});
    expect(inherited.key.rateLimit).toBe("2/h");
    expect(successes(await burst(t, inherited.secret, 6))).toBe(2);

    const unlimited = await generateWith(admin, { rateLimit: "none" });
    expect(unlimited.key.rateLimit).toBeNull();
    expect(successes(await burst(t, unlimited.secret, 6))).toBe(6);
  });

  it("applies a changed limit on the key's next request", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { rateLimit: "1/h" });
    expect((await callWithKey(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
    expect((await callWithKey(t, key.secret, "/api/v1/key")).statusCode).toBe(429);
    expect((await editKey(admin, key.id, { rateLimit: "none" })).statusCode).toBe(200);
    const next = await callWithKey(t, key.secret, "/api/v1/key");
    expect(next.statusCode).toBe(200);
    expect(next.headers["ratelimit-policy"]).toBeUndefined();
  });

  it("refuses a limit that is not requests per window, naming the field, and keeps the key as it was", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { rateLimit: "5/h" });
    const refused = await editKey(admin, key.id, { rateLimit: "lots" });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain("rateLimit");
    const after = await callWithKey(t, key.secret, "/api/v1/key");
    expect(after.headers["ratelimit-policy"]).toBe('"key";q=5;w=3600');
  });
});

describe("a key's rate limit across two instances sharing Redis", () => {
  let first: TestApp;
  let second: TestApp;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await createTestDatabaseUrl();
    drop = database.drop;
    // A prefix of this run's own, so windows left in Redis by an earlier run are never counted.
    const env = {
      KEYWARD_REDIS_URL: redisUrl,
      KEYWARD_REDIS_KEY_PREFIX: `kw-test-${randomBytes(4).toString("hex")}:`,
    };
    first = await createTestApp({ databaseUrl: database.url, env });
    second = await createTestApp({ databaseUrl: database.url, env });
  });
  afterAll(async () => {
    await first.close();
    await second.close();
    await drop();
  });

  it("never admits more than N in the window however the burst is split, and admits all N", async () => {
    const { admin } = await createTestAccount(first);
    const limit = 100;
    const key = await generateWith(admin, { rateLimit: `${limit}/h` });
    const ip = uniqueIp();
    const responses = await Promise.all([
      burst(first, key.secret, 150, ip),
      burst(second, key.secret, 150, ip),
    ]);
    // Budgets per instance would admit up to 2 × N here; one shared budget admits N.
    const admitted = responses.map(successes).reduce((sum, count) => sum + count, 0);
    expect(admitted).toBeLessThanOrEqual(limit);
    expect(admitted).toBeGreaterThanOrEqual(Math.ceil(0.99 * limit));
    // Spent everywhere: neither instance admits another request in this window.
    expect((await callWithKey(first, key.secret, "/api/v1/key")).statusCode).toBe(429);
    expect((await callWithKey(second, key.secret, "/api/v1/key")).statusCode).toBe(429);
  });
});
