import { randomBytes } from "node:crypto";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import type { CounterStore, SlotRequest } from "../../src/abuse/counter-store.js";
import { MemoryCounterStore } from "../../src/abuse/memory-counter-store.js";
import { RedisCounterStore } from "../../src/abuse/redis-counter-store.js";
import { testRedisUrl } from "./support/redis.js";

// One contract, two stores. Memory runs on a faked, frozen Date; Redis keeps its own time, so its
// waits are real (and short): `wait` is always at least as long as the lock or window it waits out.
interface Subject {
  store: CounterStore;
  unit: number;
  wait(ms: number): Promise<void>;
}

const redis = new RedisCounterStore({
  url: testRedisUrl,
  prefix: `keyward-test:${randomBytes(6).toString("hex")}:`,
  timeoutMs: 2000,
});
afterAll(async () => redis.close());
afterEach(() => {
  vi.useRealTimers();
});

const subjects: (() => Subject)[] = [
  () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    return {
      store: new MemoryCounterStore(),
      unit: 1000,
      wait: async (ms) => void vi.setSystemTime(Date.now() + ms),
    };
  },
  () => ({
    store: redis,
    unit: 300,
    wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 5)),
  }),
];

const key = () => `contract:${randomBytes(6).toString("hex")}`;

const storeNames = ["memory", "redis"];

describe.each(subjects.map((make, i) => ({ make, name: storeNames[i] })))(
  "CounterStore in $name",
  ({ make }) => {
    // A window of 4 units unless a test needs it to outlast its waits; locks of 1 unit, then 2 (the cap).
    const slot = (
      k: string,
      max: number,
      unit: number,
      withBackoff = false,
      windowUnits = 4,
    ): SlotRequest => ({
      key: k,
      max,
      windowMs: windowUnits * unit,
      ...(withBackoff ? { backoff: { firstMs: unit, maxMs: 2 * unit } } : {}),
    });

    it("grants exactly 5 of 100 simultaneous reservations against a limit of 5", async () => {
      const { store, unit } = make();
      const k = key();
      const results = await Promise.all(Array.from({ length: 100 }, () => store.reserve(slot(k, 5, unit))));
      expect(results.filter((r) => r.isReserved)).toHaveLength(5);
      expect((await store.peek(k)).count).toBe(5);
    });

    it("refuses a full window with the time until it ends, and grants again once it has ended", async () => {
      const { store, unit, wait } = make();
      const k = key();
      for (let i = 0; i < 2; i++) expect((await store.reserve(slot(k, 2, unit))).isReserved).toBe(true);
      const refused = await store.reserve(slot(k, 2, unit));
      expect(refused.isReserved).toBe(false);
      if (!refused.isReserved) expect(refused.retryInMs).toBeLessThanOrEqual(4 * unit);
      await wait(4 * unit);
      expect(await store.reserve(slot(k, 2, unit))).toEqual({ isReserved: true, counts: [1] });
    });

    it("takes every slot of a reservation or none, and says how long the longest refusal lasts", async () => {
      const { store, unit } = make();
      const [full, free] = [key(), key()];
      await store.reserve(slot(full, 1, unit));
      const refused = await store.reserve(slot(free, 5, unit), slot(full, 1, unit));
      expect(refused.isReserved).toBe(false);
      expect((await store.peek(free)).count).toBe(0);
      expect(await store.reserve(slot(free, 5, unit), slot(key(), 1, unit))).toEqual({
        isReserved: true,
        counts: [1, 1],
      });
    });

    it("gives a slot back on refund, never below zero", async () => {
      const { store, unit } = make();
      const k = key();
      await store.reserve(slot(k, 1, unit));
      await store.refund(k);
      await store.refund(k);
      expect((await store.peek(k)).count).toBe(0);
      expect(await store.reserve(slot(k, 1, unit))).toEqual({ isReserved: true, counts: [1] });
      expect((await store.reserve(slot(k, 1, unit))).isReserved).toBe(false);
    });

    it("does not bring back an ended window on refund", async () => {
      const { store, unit, wait } = make();
      const k = key();
      await store.reserve(slot(k, 1, unit));
      await wait(4 * unit);
      await store.refund(k);
      expect(await store.peek(k)).toEqual({ count: 0, resetInMs: 0 });
      expect(await store.reserve(slot(k, 1, unit))).toEqual({ isReserved: true, counts: [1] });
    });

    it("with backoff, locks for one unit at the limit, then grants one slot per lock, doubling it up to the cap", async () => {
      const { store, unit, wait } = make();
      const k = key();
      const take = () => store.reserve(slot(k, 2, unit, true, 60));
      expect((await take()).isReserved).toBe(true);
      const locks: number[] = [];
      for (let count = 2; count <= 4; count++) {
        expect(await take()).toEqual({ isReserved: true, counts: [count] });
        const refused = await take();
        if (refused.isReserved) throw new Error(`slot ${count + 1} granted during a lock`);
        const lock = Math.ceil(refused.retryInMs / unit);
        locks.push(lock);
        await wait(lock * unit);
      }
      expect(locks).toEqual([1, 2, 2]);
    });

    it("forgets the count and the lock on reset", async () => {
      const { store, unit } = make();
      const k = key();
      for (let i = 0; i < 3; i++) await store.reserve(slot(k, 3, unit, true));
      expect((await store.reserve(slot(k, 3, unit, true))).isReserved).toBe(false);
      await store.reset(k);
      expect(await store.reserve(slot(k, 3, unit, true))).toEqual({ isReserved: true, counts: [1] });
    });

    it("counts increments and reservations in the same window", async () => {
      const { store, unit } = make();
      const k = key();
      expect((await store.increment(k, 4 * unit)).count).toBe(1);
      expect(await store.reserve(slot(k, 3, unit))).toEqual({ isReserved: true, counts: [2] });
      const { count, resetInMs } = await store.increment(k, 4 * unit);
      expect(count).toBe(3);
      expect(resetInMs).toBeGreaterThan(0);
      expect(resetInMs).toBeLessThanOrEqual(4 * unit);
    });
  },
);
