import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueIp } from "../hardening/support/network.js";
import { attemptSignIn, callWithKey, unknownKey } from "../hardening/support/requests.js";
import { generateWith } from "../hygiene/support.js";
import { createTestAccount, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { type OwnRedis, ownRedis } from "./support/redis-server.js";

// keyward_redis_errors_total{operation}: every Redis call that fails is counted by the operation that
// made it, so an operator sees which feature Redis is failing (sign-in and failed-key limits reserve,
// per-key rate limits lease, /readyz pings) — and a healthy Redis counts none.

let t: TestApp;
let redis: OwnRedis;
beforeAll(async () => {
  redis = await ownRedis();
  await redis.start();
  t = await createTestApp({ env: { KEYWARD_REDIS_URL: redis.url } });
});
afterAll(async () => {
  await t.close();
  await redis.stop();
});

async function redisErrors(): Promise<Record<string, number>> {
  const text = (await t.app.inject({ method: "GET", url: "/metrics" })).body;
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^keyward_redis_errors_total\{operation="(\w+)"\} (\d+)$/gm)) {
    counts[match[1] as string] = Number(match[2]);
  }
  return counts;
}

describe("keyward_redis_errors_total", () => {
  it("is published at 0 for every operation and stays there while Redis answers", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { rateLimit: "40/h" });
    expect((await callWithKey(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
    expect((await callWithKey(t, unknownKey(), "/api/v1/key", { ip: uniqueIp() })).statusCode).toBe(401);
    expect((await t.app.inject({ method: "GET", url: "/readyz" })).json()).toMatchObject({ status: "ready" });
    expect(await redisErrors()).toEqual({
      ping: 0,
      increment: 0,
      reserve: 0,
      lease: 0,
      refund: 0,
      peek: 0,
      reset: 0,
    });
  });

  it("rises for the sign-in throttle, the failed-key limit, the rate limit and /readyz once Redis is gone", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { rateLimit: "40/h" });
    const before = await redisErrors();

    await redis.stop();
    const readiness = await t.app.inject({ method: "GET", url: "/readyz" });
    expect(readiness.json()).toMatchObject({ status: "degraded", redis: "unreachable" });
    const signIn = await attemptSignIn(t, { email: admin.email, password: testPassword, ip: uniqueIp() });
    expect(signIn.statusCode).toBe(503);
    // Each still answered: the failed key counted in memory, the valid key's rate limit leased locally.
    expect((await callWithKey(t, unknownKey(), "/api/v1/key", { ip: uniqueIp() })).statusCode).toBe(401);
    expect((await callWithKey(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
    const after = await redisErrors();

    const rise = (operation: string) => (after[operation] ?? 0) - (before[operation] ?? 0);
    expect(rise("ping")).toBeGreaterThanOrEqual(1);
    // Sign-in reserves its email and IP slots; the unknown key reserves the IP's failure slot.
    expect(rise("reserve")).toBeGreaterThanOrEqual(2);
    expect(rise("lease")).toBeGreaterThanOrEqual(1);
  });
});
