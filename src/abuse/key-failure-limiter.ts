import { AppError } from "../errors.js";
import type { CounterStore } from "./counter-store.js";

export interface KeyFailureLimiterOptions {
  store: CounterStore;
  /** Failed verifications allowed per client IP per window. */
  maxFailures: number;
  windowMs: number;
}

/**
 * Limits failed key verifications per client IP. Successful verifications never consult it, so valid
 * keys are not slowed; a blocked IP is refused before its unknown keys can reach the database.
 */
export class KeyFailureLimiter {
  private readonly blockedUntil = new Map<string, number>();
  private readonly options: KeyFailureLimiterOptions;

  constructor(options: KeyFailureLimiterOptions) {
    this.options = options;
  }

  /** The 429 to send instead of a database lookup, if this IP is blocked. Synchronous, local. */
  blockedError(ip: string): AppError | undefined {
    const until = this.blockedUntil.get(ip);
    if (until === undefined) return undefined;
    const remaining = until - Date.now();
    if (remaining <= 0) {
      this.blockedUntil.delete(ip);
      return undefined;
    }
    return tooManyFailures(remaining);
  }

  /** Counts a failure; returns the 429 to send instead of the failure once the IP is over the limit. */
  async recordFailure(ip: string): Promise<AppError | undefined> {
    const { count, resetInMs } = await this.options.store.increment(
      `key-failures:${ip}`,
      this.options.windowMs,
    );
    if (count <= this.options.maxFailures) return undefined;
    if (this.blockedUntil.size > 100_000) this.blockedUntil.clear();
    this.blockedUntil.set(ip, Date.now() + resetInMs);
    return tooManyFailures(resetInMs);
  }
}

function tooManyFailures(retryInMs: number): AppError {
  const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
  return new AppError(
    "rate_limited",
    `Too many requests with invalid API keys from your address. Try again in ${seconds} s.`,
    { retryAfterSeconds: seconds },
  );
}
