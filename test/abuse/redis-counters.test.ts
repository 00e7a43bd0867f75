import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueIp } from "../hardening/support/network.js";
import { attemptSignIn, callWithKey, unknownKey } from "../hardening/support/requests.js";
import { expectError } from "../hardening/support/responses.js";
import { createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";
import { burst, countByStatus, countPasswordChecks } from "./support/password-checks.js";
import { redisCountersForThisFile } from "./support/redis.js";

// Two instances on one database and one Redis (KEYWARD_REDIS_URL), as behind a load balancer. This file
// builds two apps on purpose: sharing the counters between instances is what it tests.
const redis = redisCountersForThisFile();
let first: TestApp;
let second: TestApp;
let dropDatabase: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabaseUrl();
  dropDatabase = database.drop;
  first = await createTestApp({ env: redis.env, databaseUrl: database.url });
  second = await createTestApp({ env: redis.env, databaseUrl: database.url });
});
afterAll(async () => {
  await first.close();
  await second.close();
  await dropDatabase();
  await redis.clear();
});

const limit = 20;

async function failOn(t: TestApp, ip: string, count: number) {
  for (let i = 0; i < count; i++) {
    expectError(await callWithKey(t, unknownKey(), "/api/v1/key", { ip }), 401, "invalid_api_key");
  }
}

describe("failed key verifications, counted per client address in Redis", () => {
  it("reads at most 20 unknown keys from the database when 400 arrive at once, split over two instances", async () => {
    const ip = uniqueIp();
    await Promise.all([first.verifier.rebuildKnownKeys(), second.verifier.rebuildKnownKeys()]);
    const readsBefore = first.verifier.outcomes.databaseReads + second.verifier.outcomes.databaseReads;
    const responses = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        callWithKey(i % 2 ? first : second, unknownKey(), "/api/v1/key", { ip }),
      ),
    );
    const reads =
      first.verifier.outcomes.databaseReads + second.verifier.outcomes.databaseReads - readsBefore;
    expect(reads).toBe(limit);
    expect(responses.filter((response) => response.statusCode === 429)).toHaveLength(400 - limit);
  });

  it("serves a valid key that neither instance has cached to an address over the limit", async () => {
    const { admin } = await createTestAccount(first);
    const key = await generateKey(admin);
    const ip = uniqueIp();
    await failOn(first, ip, limit);
    expectError(await callWithKey(second, unknownKey(), "/api/v1/key", { ip }), 429, "rate_limited");
    for (const t of [first, second]) {
      t.cache.clear();
      await t.verifier.rebuildKnownKeys();
      const response = await callWithKey(t, key.secret, "/api/v1/key", { ip });
      expect(response.statusCode, response.body).toBe(200);
    }
  });

  it("shares the count between two instances: 10 failures on each, then both answer 429", async () => {
    const ip = uniqueIp();
    await failOn(first, ip, 10);
    await failOn(second, ip, 10);
    const onFirst = await callWithKey(first, unknownKey(), "/api/v1/key", { ip });
    expectError(onFirst, 429, "rate_limited");
    expect(Number(onFirst.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect(Number(onFirst.headers["retry-after"])).toBeLessThanOrEqual(60);
    expectError(await callWithKey(second, unknownKey(), "/api/v1/key", { ip }), 429, "rate_limited");
  });

  it("still serves a valid cached key on both instances from an address that is over the limit", async () => {
    const { admin } = await createTestAccount(first);
    const key = await generateKey(admin);
    const ip = uniqueIp();
    for (const t of [first, second])
      expect((await callWithKey(t, key.secret, "/api/v1/key", { ip })).statusCode).toBe(200);
    await failOn(first, ip, limit);
    expectError(await callWithKey(second, unknownKey(), "/api/v1/key", { ip }), 429, "rate_limited");
    for (const t of [first, second]) {
      const response = await callWithKey(t, key.secret, "/api/v1/key", { ip });
      expect(response.statusCode, response.body).toBe(200);
    }
  });

  it("leaves a different address unaffected on either instance", async () => {
    const blocked = uniqueIp();
    await failOn(first, blocked, limit);
    expectError(await callWithKey(first, unknownKey(), "/api/v1/key", { ip: blocked }), 429, "rate_limited");
    const other = uniqueIp();
    for (const t of [first, second]) {
      expectError(await callWithKey(t, unknownKey(), "/api/v1/key", { ip: other }), 401, "invalid_api_key");
    }
  });

  it("shares sign-in lock-outs between instances too", async () => {
    const { admin } = await createTestAccount(first);
    const ip = uniqueIp();
    for (let i = 0; i < 5; i++) {
      const t = i % 2 === 0 ? first : second;
      expectError(
        await attemptSignIn(t, { email: admin.email, password: "wrong-password", ip }),
        401,
        "invalid_credentials",
      );
    }
    const locked = await attemptSignIn(second, {
      email: admin.email,
      password: testPassword,
      ip: uniqueIp(),
    });
    expectError(locked, 429, "rate_limited");
    expect(Number(locked.headers["retry-after"])).toBeGreaterThanOrEqual(1);
  });
});

describe("a burst of simultaneous sign-ins across two instances", () => {
  it("checks at most 5 passwords when 60 sign-ins for one email arrive at once, split over both instances", async () => {
    const { admin } = await createTestAccount(first);
    const ip = uniqueIp();
    const checksBefore = await countPasswordChecks(first.database.db, admin.userId);
    const attempts = Array.from({ length: 60 }, (_, i) => ({
      email: admin.email,
      password: i === 59 ? testPassword : "not-the-password",
      ip,
    }));
    const responses = await burst([first, second], attempts);

    expect(countByStatus(responses)).toEqual({ 401: 5, 429: 55 });
    expect((await countPasswordChecks(first.database.db, admin.userId)) - checksBefore).toBe(5);
  });

  it("refuses the correct password on both instances while the lock lasts, and accepts it once it ends", async () => {
    const { admin } = await createTestAccount(first);
    const wrong = () => ({ email: admin.email, password: "not-the-password", ip: uniqueIp() });
    await burst([first, second], Array.from({ length: 60 }, wrong));
    let retryAfter = 0;
    for (const t of [first, second]) {
      const locked = await attemptSignIn(t, { email: admin.email, password: testPassword, ip: uniqueIp() });
      expectError(locked, 429, "rate_limited");
      retryAfter = Math.max(retryAfter, Number(locked.headers["retry-after"]));
    }
    expect(retryAfter).toBe(1);

    // Redis keeps the lock's time, so this waits for real: Retry-After says how long is enough.
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
    const accepted = await attemptSignIn(second, {
      email: admin.email,
      password: testPassword,
      ip: uniqueIp(),
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
  });
});
