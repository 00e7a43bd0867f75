import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CounterStoreUnavailableError } from "../../src/abuse/counter-store.js";
import { FallbackCounterStore } from "../../src/abuse/fallback-counter-store.js";
import { MemoryCounterStore } from "../../src/abuse/memory-counter-store.js";
import { RedisCounterStore } from "../../src/abuse/redis-counter-store.js";
import { closedPort, silentServer } from "./support/ports.js";
import { type OwnRedis, ownRedis } from "./support/redis-server.js";

const slot = { key: "k", max: 5, windowMs: 60_000 };

function storeAt(url: string, timeoutMs = 300) {
  const changes: boolean[] = [];
  const store = new RedisCounterStore({
    url,
    prefix: "keyward-test:",
    timeoutMs,
    onReachabilityChange: (isReachable) => changes.push(isReachable),
  });
  return { store, changes };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe("RedisCounterStore when Redis is not there", () => {
  it("fails every operation as unavailable when the connection is refused, and reports it once", async () => {
    const { store, changes } = storeAt(`redis://127.0.0.1:${await closedPort()}`);
    try {
      for (let i = 0; i < 20; i++) {
        expect(await failure(store.reserve(slot))).toBeInstanceOf(CounterStoreUnavailableError);
      }
      expect(await failure(store.increment("k", 1000))).toBeInstanceOf(CounterStoreUnavailableError);
      expect(await store.isReachable()).toBe(false);
      expect(changes).toEqual([false]);
    } finally {
      await store.close();
    }
  });

  it("fails as unavailable after its timeout when Redis accepts connections but never answers", async () => {
    const hung = await silentServer();
    const { store } = storeAt(`redis://127.0.0.1:${hung.port}`, 200);
    try {
      expect(await failure(store.reserve(slot))).toBeInstanceOf(CounterStoreUnavailableError);
      expect(await store.isReachable()).toBe(false);
    } finally {
      await store.close();
      await hung.close();
    }
  });

  it("lets the fallback answer from memory, still atomically: 5 of 100 simultaneous reservations", async () => {
    const { store } = storeAt(`redis://127.0.0.1:${await closedPort()}`);
    const fallback = new FallbackCounterStore(store, new MemoryCounterStore());
    try {
      const results = await Promise.all(Array.from({ length: 100 }, () => fallback.reserve(slot)));
      expect(results.filter((r) => r.isReserved)).toHaveLength(5);
      expect((await fallback.increment("k", 60_000)).count).toBe(6);
    } finally {
      await fallback.close();
    }
  });
});

describe("RedisCounterStore when Redis goes away and comes back", () => {
  let redis: OwnRedis;
  beforeAll(async () => {
    redis = await ownRedis();
    await redis.start();
  });
  afterAll(async () => redis.stop());

  it("counts in Redis, fails fast while it is down, and counts in it again once it is back", async () => {
    const { store, changes } = storeAt(redis.url);
    const fallback = new FallbackCounterStore(store, new MemoryCounterStore());
    try {
      expect(await store.reserve(slot)).toEqual({ isReserved: true, counts: [1] });
      await redis.stop();
      await until(() => changes.at(-1) === false);
      expect(await failure(store.reserve(slot))).toBeInstanceOf(CounterStoreUnavailableError);
      expect(await fallback.reserve(slot)).toEqual({ isReserved: true, counts: [1] });

      await redis.start();
      await until(() => changes.at(-1) === true);
      // A fresh server (no persistence): the count starts again in Redis, not in memory.
      expect(await fallback.reserve(slot)).toEqual({ isReserved: true, counts: [1] });
      expect(await store.isReachable()).toBe(true);
      expect(changes).toEqual([true, false, true]);
    } finally {
      await fallback.close();
    }
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 25));
  if (!condition()) throw new Error("condition not met within 10 s");
}
