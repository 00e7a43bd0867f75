import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";
import { uniqueIp } from "./support/network.js";
import { attemptSignIn, callWithKey, unknownKey } from "./support/requests.js";
import { expectError } from "./support/responses.js";

// Two instances on one database and one Redis (KEYWARD_REDIS_URL), as behind a load balancer. This file
// builds two apps on purpose: sharing the counters between instances is what it tests.
const redisUrl = process.env.KEYWARD_TEST_REDIS ?? "redis://127.0.0.1:6379";
let first: TestApp;
let second: TestApp;
let dropDatabase: () => Promise<void>;

beforeAll(async () => {
  const database = await createTestDatabaseUrl();
  dropDatabase = database.drop;
  const env = { KEYWARD_REDIS_URL: redisUrl };
  first = await createTestApp({ env, databaseUrl: database.url });
  second = await createTestApp({ env, databaseUrl: database.url });
});
afterAll(async () => {
  await first.close();
  await second.close();
  await dropDatabase();
});

const limit = 20;

async function failOn(t: TestApp, ip: string, count: number) {
  for (let i = 0; i < count; i++) {
    expectError(await callWithKey(t, unknownKey(), "/api/v1/key", { ip }), 401, "invalid_api_key");
  }
}

describe("failed key verifications, counted per client address in Redis", () => {
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
