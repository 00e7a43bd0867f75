import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/create-account.js";
import { uniqueIp } from "../hardening/support/network.js";
import { attemptSignIn, callWithKey, sessionCookieOf, unknownKey } from "../hardening/support/requests.js";
import { expectError } from "../hardening/support/responses.js";
import { createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp, uniqueEmail } from "../support/test-app.js";
import { closedPort, silentServer } from "./support/ports.js";
import { type OwnRedis, ownRedis } from "./support/redis-server.js";

// KEYWARD_REDIS_URL set, Redis not answering: refused at once (a closed port), hung (accepts, never
// replies), or gone mid-run and back. Sign-in fails closed (503, no password checked); failed API keys
// are still limited, in the instance's memory; /readyz answers 200 "degraded" and names Redis.
const figures: string[] = [];
afterAll(() => {
  if (figures.length) console.log(`[abuse figures] ${figures.join("; ")}`);
});

/** An account created without signing in (sign-in is what is down); its Administrator's email. */
async function accountWithoutSigningIn(t: TestApp): Promise<string> {
  const adminEmail = uniqueEmail("admin");
  await createAccount(t.ctx, {
    account: { name: "Outage Marketplace", adminEmail, adminPassword: testPassword },
  });
  return adminEmail;
}

async function timedSignIn(t: TestApp, email: string) {
  const started = performance.now();
  const response = await attemptSignIn(t, { email, password: testPassword, ip: uniqueIp() });
  return { response, ms: Math.round(performance.now() - started) };
}

function expectSignInUnavailable(response: Awaited<ReturnType<typeof attemptSignIn>>) {
  const error = expectError(response, 503, "service_unavailable");
  expect(error.message).toMatch(/^Sign-in is temporarily unavailable/);
  expect(sessionCookieOf(response)).toBeUndefined();
}

const unreachableLines = (t: TestApp) => t.logs.filter((line) => line.includes("Redis is unreachable"));

describe("with KEYWARD_REDIS_URL pointing at a port where nothing listens", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: { KEYWARD_REDIS_URL: `redis://127.0.0.1:${await closedPort()}` },
      waitForRedis: false,
    });
  });
  afterAll(async () => t.close());

  it("answers every sign-in, even with the correct password, with 503 service_unavailable and no session", async () => {
    const email = await accountWithoutSigningIn(t);
    const { response, ms } = await timedSignIn(t, email);
    expectSignInUnavailable(response);
    figures.push(`sign-in with Redis refusing connections: 503 in ${ms} ms`);
    const { count } = await t.database.db
      .selectFrom("audit_events")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("action", "in", ["user.sign_in_failed", "user.signed_in"])
      .executeTakeFirstOrThrow();
    expect(Number(count)).toBe(0);
  });

  it("answers /readyz with 200 and a degraded status naming Redis, so the API stays in the load balancer", async () => {
    const response = await t.app.inject({ method: "GET", url: "/readyz" });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: "degraded", redis: "unreachable" });
    expect((await t.app.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
  });

  it("still limits failed API keys, in this instance's memory: 20 a minute, then 429", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 20; i++) {
      expectError(await callWithKey(t, unknownKey(), "/api/v1/key", { ip }), 401, "invalid_api_key");
    }
    const limited = await callWithKey(t, unknownKey(), "/api/v1/key", { ip });
    expectError(limited, 429, "rate_limited");
    expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expectError(
      await callWithKey(t, unknownKey(), "/api/v1/key", { ip: uniqueIp() }),
      401,
      "invalid_api_key",
    );
  });

  it("logs Redis being unreachable once, not once per request, and shows it in /metrics", async () => {
    for (let i = 0; i < 5; i++)
      await attemptSignIn(t, { email: uniqueEmail("x"), password: "p", ip: uniqueIp() });
    expect(unreachableLines(t)).toHaveLength(1);
    const metrics = (await t.app.inject({ method: "GET", url: "/metrics" })).body;
    expect(metrics).toMatch(/^keyward_redis_reachable 0$/m);
    expect(metrics).toMatch(/^keyward_redis_unreachable_total 1$/m);
  });
});

describe("with a Redis that accepts connections and never answers", () => {
  let t: TestApp;
  let hung: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    hung = await silentServer();
    t = await createTestApp({
      env: { KEYWARD_REDIS_URL: `redis://127.0.0.1:${hung.port}`, KEYWARD_REDIS_TIMEOUT_MS: "200" },
      waitForRedis: false,
    });
  });
  afterAll(async () => {
    await t.close();
    await hung.close();
  });

  it("answers sign-in with 503 once KEYWARD_REDIS_TIMEOUT_MS has passed, instead of waiting for Redis", async () => {
    const email = await accountWithoutSigningIn(t);
    const { response, ms } = await timedSignIn(t, email);
    expectSignInUnavailable(response);
    figures.push(`sign-in with a hung Redis and a 200 ms timeout: 503 in ${ms} ms`);
    const ready = await t.app.inject({ method: "GET", url: "/readyz" });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: "degraded", redis: "unreachable" });
  });
});

describe("with a Redis that goes away and comes back", () => {
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

  it("fails sign-in closed while it is away, keeps serving valid keys, and recovers by itself", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateKey(admin);
    expect((await callWithKey(t, key.secret, "/api/v1/key")).statusCode).toBe(200);

    await redis.stop();
    await until(
      async () => (await t.app.inject({ method: "GET", url: "/readyz" })).json().status === "degraded",
    );
    const { response, ms } = await timedSignIn(t, admin.email);
    expectSignInUnavailable(response);
    figures.push(`sign-in after Redis was stopped: 503 in ${ms} ms`);
    expect((await callWithKey(t, key.secret, "/api/v1/key")).statusCode).toBe(200);

    await redis.start();
    await until(
      async () => (await t.app.inject({ method: "GET", url: "/readyz" })).json().status === "ready",
    );
    const back = await attemptSignIn(t, { email: admin.email, password: testPassword, ip: uniqueIp() });
    expect(back.statusCode, back.body).toBe(200);
    expect(unreachableLines(t)).toHaveLength(1);
    expect(t.logs.filter((line) => line.includes("Redis is reachable"))).toHaveLength(2);
  });
});

async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition not met within 10 s");
}
