import type { Redis } from "ioredis";
import type { Lease } from "../keys/rate-limit/window-leases.js";
import { loadOnUse } from "../shared/load-on-use.js";
import {
  type CounterStore,
  CounterStoreUnavailableError,
  type CounterWindow,
  type Reservation,
  type SlotRequest,
} from "./counter-store.js";
import { incrementScript, leaseScript, refundScript, reserveScript } from "./redis-scripts.js";

export interface RedisCounterStoreOptions {
  url: string;
  /** Prepended to every key, so deployments (or test files) sharing one Redis never share counters. */
  prefix: string;
  /** The longest any operation waits, connecting included, before failing as unavailable. */
  timeoutMs: number;
  /** Called on each change between reachable and unreachable (the first connection included), never per request. */
  onReachabilityChange?: (isReachable: boolean, reason?: string) => void;
  /** Called for every operation that fails (unreachable, timed out, or refused by Redis), for /metrics. */
  onOperationFailed?: (operation: RedisOperation) => void;
}

/** The store's Redis operations, as counted in keyward_redis_errors_total{operation}. */
export const redisOperations = ["ping", "increment", "reserve", "lease", "refund", "peek", "reset"] as const;
export type RedisOperation = (typeof redisOperations)[number];

interface Scripts {
  keywardIncrement(key: string, windowMs: number): Promise<[number, number]>;
  keywardReserve(...keysAndArgs: (string | number)[]): Promise<number[]>;
  keywardRefund(key: string): Promise<number>;
  keywardLease(key: string, max: number, windowMs: number, want: number): Promise<[number, number, number]>;
}

/**
 * Counters shared by every instance through one Redis (not Redis Cluster: a reservation spans keys).
 * Fails fast: once the connection is known to be down, operations reject at once with
 * CounterStoreUnavailableError (ioredis keeps reconnecting in the background); while it is up or
 * still connecting, they reject after at most `timeoutMs`.
 */
export class RedisCounterStore implements CounterStore {
  private readonly redis: Redis;
  private readonly scripts: Scripts;
  private readonly options: RedisCounterStoreOptions;
  private state: "connecting" | "reachable" | "unreachable" = "connecting";

  constructor(options: RedisCounterStoreOptions) {
    this.options = options;
    const { Redis: RedisClient } = loadOnUse("ioredis") as typeof import("ioredis");
    this.redis = new RedisClient(options.url, {
      connectTimeout: options.timeoutMs,
      commandTimeout: options.timeoutMs,
      // Queued commands fail as soon as a connection attempt fails, instead of waiting for retries.
      maxRetriesPerRequest: 0,
    });
    this.redis.defineCommand("keywardIncrement", { numberOfKeys: 1, lua: incrementScript });
    this.redis.defineCommand("keywardReserve", { lua: reserveScript });
    this.redis.defineCommand("keywardRefund", { numberOfKeys: 1, lua: refundScript });
    this.redis.defineCommand("keywardLease", { numberOfKeys: 1, lua: leaseScript });
    this.scripts = this.redis as unknown as Scripts;
    this.redis.on("ready", () => this.setState("reachable"));
    // A listener is also what keeps ioredis from printing every failed reconnection to the console.
    this.redis.on("error", (error: Error) => this.setState("unreachable", error.message));
    this.redis.on("close", () => this.setState("unreachable", "connection closed"));
  }

  /** Whether Redis answers a PING now (within the timeout): what /readyz reports. */
  async isReachable(): Promise<boolean> {
    return this.run("ping", () => this.redis.ping()).then(
      () => true,
      () => false,
    );
  }

  increment(key: string, windowMs: number): Promise<CounterWindow> {
    return this.run("increment", async () => {
      const [count, ttl] = await this.scripts.keywardIncrement(this.prefixed(key), windowMs);
      return { count, resetInMs: Math.max(ttl, 0) };
    });
  }

  reserve(...slots: SlotRequest[]): Promise<Reservation> {
    const keys = slots.flatMap((slot) => [this.prefixed(slot.key), this.prefixed(`${slot.key}:lock`)]);
    const args = slots.flatMap((slot) => [
      slot.max,
      slot.windowMs,
      slot.backoff?.firstMs ?? 0,
      slot.backoff?.maxMs ?? 0,
    ]);
    return this.run("reserve", async () => {
      const [isReserved, ...rest] = await this.scripts.keywardReserve(keys.length, ...keys, ...args);
      return isReserved === 1
        ? { isReserved: true, counts: rest }
        : { isReserved: false, retryInMs: rest[0] ?? 1 };
    });
  }

  lease(key: string, options: { max: number; windowMs: number; want: number }): Promise<Lease> {
    return this.run("lease", async () => {
      const [granted, used, resetInMs] = await this.scripts.keywardLease(
        this.prefixed(key),
        options.max,
        options.windowMs,
        options.want,
      );
      return { granted, used, resetInMs };
    });
  }

  async refund(key: string): Promise<void> {
    await this.run("refund", () => this.scripts.keywardRefund(this.prefixed(key)));
  }

  peek(key: string): Promise<CounterWindow> {
    return this.run("peek", async () => {
      const [count, ttl] = await Promise.all([
        this.redis.get(this.prefixed(key)),
        this.redis.pttl(this.prefixed(key)),
      ]);
      const current = Number(count ?? 0);
      return current > 0 ? { count: current, resetInMs: Math.max(ttl, 0) } : { count: 0, resetInMs: 0 };
    });
  }

  async reset(key: string): Promise<void> {
    await this.run("reset", () => this.redis.del(this.prefixed(key), this.prefixed(`${key}:lock`)));
  }

  async close(): Promise<void> {
    this.redis.removeAllListeners("close");
    this.redis.disconnect();
  }

  private prefixed(key: string): string {
    return this.options.prefix + key;
  }

  private async run<T>(name: RedisOperation, operation: () => Promise<T>): Promise<T> {
    if (this.state === "unreachable") {
      this.options.onOperationFailed?.(name);
      throw new CounterStoreUnavailableError("Redis is unreachable.");
    }
    try {
      return await operation();
    } catch (error) {
      this.options.onOperationFailed?.(name);
      // A ReplyError is Redis refusing a command it received: a bug to surface, not an outage.
      if (error instanceof Error && error.name === "ReplyError") throw error;
      throw new CounterStoreUnavailableError("Redis did not answer in time.", { cause: error });
    }
  }

  private setState(state: "reachable" | "unreachable", reason?: string): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onReachabilityChange?.(state === "reachable", reason);
  }
}
