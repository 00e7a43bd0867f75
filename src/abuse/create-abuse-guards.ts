import { Counter, Gauge, type Registry } from "prom-client";
import type { Config } from "../config.js";
import type { CounterStore } from "./counter-store.js";
import { FallbackCounterStore } from "./fallback-counter-store.js";
import { KeyFailureLimiter } from "./key-failure-limiter.js";
import { MemoryCounterStore } from "./memory-counter-store.js";
import { RedisCounterStore, type RedisOperation, redisOperations } from "./redis-counter-store.js";
import { SignInThrottle } from "./sign-in-throttle.js";

export interface AbuseGuards {
  keyFailures: KeyFailureLimiter;
  /** What the key limiter counts in: Redis, or this instance's memory while Redis is unreachable. */
  keyFailureStore: CounterStore;
  signIn: SignInThrottle;
  /** Without KEYWARD_REDIS_URL, undefined; else whether Redis answers now (for /readyz). */
  checkRedis(): Promise<"reachable" | "unreachable" | undefined>;
  close(): Promise<void>;
}

/** Where the guards report Redis coming and going: one log line and one metric update per change. */
export interface AbuseGuardsReporting {
  log: {
    info(details: object, message: string): void;
    warn(details: object, message: string): void;
  };
  registry?: Registry;
}

/**
 * Counters in Redis when KEYWARD_REDIS_URL is set (shared by every instance), else in memory. With
 * Redis, sign-in fails closed when it is unreachable (503: no password is checked unthrottled) while
 * failed API keys are counted locally, so the API keeps serving and guessing stays limited.
 */
export function createAbuseGuards(config: Config, reporting: AbuseGuardsReporting): AbuseGuards {
  const redis = config.redisUrl
    ? new RedisCounterStore({
        url: config.redisUrl,
        prefix: config.redisKeyPrefix,
        timeoutMs: config.redisTimeoutMs,
        onReachabilityChange: reportReachability(reporting),
        onOperationFailed: countRedisErrors(reporting),
      })
    : undefined;
  const signInStore = redis ?? new MemoryCounterStore();
  const keyFailureStore = redis ? new FallbackCounterStore(redis, new MemoryCounterStore()) : signInStore;
  return {
    keyFailures: new KeyFailureLimiter({
      store: keyFailureStore,
      maxFailures: config.keyFailuresPerMinute,
      windowMs: 60_000,
    }),
    keyFailureStore,
    signIn: new SignInThrottle({
      store: signInStore,
      maxFailuresPerEmail: config.signInFailuresPerEmail,
      maxFailuresPerIp: config.signInFailuresPerIp,
    }),
    async checkRedis() {
      if (!redis) return undefined;
      return (await redis.isReachable()) ? "reachable" : "unreachable";
    },
    close: () => keyFailureStore.close(),
  };
}

/** keyward_redis_errors_total{operation}: every failed Redis call, by the store operation that made it. */
function countRedisErrors({ registry }: AbuseGuardsReporting) {
  const errors = new Counter({
    name: "keyward_redis_errors_total",
    help: "Failed Redis calls by operation (reserve: sign-in and failed-key limits; lease: per-key rate limits; increment, refund, reset, peek: counters; ping: /readyz).",
    labelNames: ["operation"],
    registers: registry ? [registry] : [],
  });
  // Every operation is published from the start, at 0, so a rate() over it has a baseline.
  for (const operation of redisOperations) errors.inc({ operation }, 0);
  return (operation: RedisOperation) => errors.inc({ operation });
}

function reportReachability({ log, registry }: AbuseGuardsReporting) {
  const registers = registry ? [registry] : [];
  const reachable = new Gauge({
    name: "keyward_redis_reachable",
    help: "1 while Redis (KEYWARD_REDIS_URL) is reachable, else 0: sign-in answers 503, failed keys are counted per instance.",
    registers,
  });
  const lost = new Counter({
    name: "keyward_redis_unreachable_total",
    help: "Times Redis became unreachable.",
    registers,
  });
  return (isReachable: boolean, reason?: string) => {
    reachable.set(isReachable ? 1 : 0);
    if (isReachable) {
      log.info({ redis: "reachable" }, "Redis is reachable: abuse counters are shared by every instance");
      return;
    }
    lost.inc();
    log.warn(
      { redis: "unreachable", reason },
      "Redis is unreachable: sign-in answers 503 and failed API keys are counted in this instance's memory until it is back",
    );
  };
}
