import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MemoryCounterStore } from "../../src/abuse/memory-counter-store.js";
import { RedisCounterStore } from "../../src/abuse/redis-counter-store.js";
import { SignInThrottle } from "../../src/abuse/sign-in-throttle.js";
import { AppError } from "../../src/errors.js";
import { closedPort } from "./support/ports.js";

// The check stands in for the password check: what the throttle does depends only on how it ends.
const wrongPassword = () => Promise.reject(new AppError("invalid_credentials", "wrong"));
const rightPassword = () => Promise.resolve("session");
const databaseDown = () => Promise.reject(new AppError("service_unavailable", "database down"));

let store: MemoryCounterStore;
let throttle: SignInThrottle;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  store = new MemoryCounterStore();
  throttle = new SignInThrottle({ store, maxFailuresPerEmail: 3, maxFailuresPerIp: 10 });
});
afterEach(() => {
  vi.useRealTimers();
});

const attempt = { email: "ana@example.test", ip: "198.18.0.1" };

async function expectRefused(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  return error as AppError;
}

describe("SignInThrottle.guard", () => {
  it("keeps the slots of a wrong password, and refuses the next attempt without running its check", async () => {
    for (let i = 0; i < 3; i++)
      await expectRefused(throttle.guard(attempt, wrongPassword), "invalid_credentials");
    const check = vi.fn(rightPassword);
    const locked = await expectRefused(throttle.guard(attempt, check), "rate_limited");
    expect(locked.details).toEqual({ retryAfterSeconds: 1 });
    expect(locked.message).toBe("Too many failed sign-ins. Try again in 1 s.");
    expect(check).not.toHaveBeenCalled();
    expect((await store.peek("signin:ip:198.18.0.1")).count).toBe(3);
  });

  it("clears the email's failures and gives the address's slot back after a success", async () => {
    for (let i = 0; i < 2; i++)
      await expectRefused(throttle.guard(attempt, wrongPassword), "invalid_credentials");
    expect(await throttle.guard(attempt, rightPassword)).toBe("session");
    expect((await store.peek("signin:email:ana@example.test")).count).toBe(0);
    expect((await store.peek("signin:ip:198.18.0.1")).count).toBe(2);
  });

  it("gives both slots back when the check fails for another reason than the password", async () => {
    for (let i = 0; i < 5; i++)
      await expectRefused(throttle.guard(attempt, databaseDown), "service_unavailable");
    expect((await store.peek("signin:email:ana@example.test")).count).toBe(0);
    expect((await store.peek("signin:ip:198.18.0.1")).count).toBe(0);
  });

  it("takes no slot for the email when the address is locked", async () => {
    const other = { email: "max@example.test", ip: attempt.ip };
    for (let i = 0; i < 10; i++) {
      await expectRefused(
        throttle.guard({ ...other, email: `guess-${i}@example.test` }, wrongPassword),
        "invalid_credentials",
      );
    }
    await expectRefused(throttle.guard(other, rightPassword), "rate_limited");
    expect((await store.peek("signin:email:max@example.test")).count).toBe(0);
  });

  it("answers 503 without running the check when Redis can't be reached", async () => {
    const redis = new RedisCounterStore({
      url: `redis://127.0.0.1:${await closedPort()}`,
      prefix: "unused:",
      timeoutMs: 500,
    });
    try {
      const closed = new SignInThrottle({ store: redis, maxFailuresPerEmail: 3, maxFailuresPerIp: 10 });
      const check = vi.fn(rightPassword);
      const error = await expectRefused(closed.guard(attempt, check), "service_unavailable");
      expect(error.message).toMatch(/^Sign-in is temporarily unavailable/);
      expect(check).not.toHaveBeenCalled();
    } finally {
      await redis.close();
    }
  });
});
