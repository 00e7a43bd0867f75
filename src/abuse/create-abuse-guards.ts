import type { Config } from "../config.js";
import { type CounterStore, MemoryCounterStore } from "./counter-store.js";
import { KeyFailureLimiter } from "./key-failure-limiter.js";
import { RedisCounterStore } from "./redis-counter-store.js";
import { SignInThrottle } from "./sign-in-throttle.js";

export interface AbuseGuards {
  store: CounterStore;
  keyFailures: KeyFailureLimiter;
  signIn: SignInThrottle;
}

/** Counters in Redis when KEYWARD_REDIS_URL is set (shared by every instance), else in memory. */
export function createAbuseGuards(config: Config): AbuseGuards {
  const store = config.redisUrl ? new RedisCounterStore(config.redisUrl) : new MemoryCounterStore();
  return {
    store,
    keyFailures: new KeyFailureLimiter({ store, maxFailures: config.keyFailuresPerMinute, windowMs: 60_000 }),
    signIn: new SignInThrottle({
      store,
      maxFailuresPerEmail: config.signInFailuresPerEmail,
      maxFailuresPerIp: config.signInFailuresPerIp,
    }),
  };
}
