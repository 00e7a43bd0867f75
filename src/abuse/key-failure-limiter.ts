import type { FailureBudget } from "../keys/verification/failure-budget.js";
import type { CounterStore } from "./counter-store.js";

export interface KeyFailureLimiterOptions {
  store: CounterStore;
  /** Failed verifications allowed per client IP per window. */
  maxFailures: number;
  windowMs: number;
}

/**
 * The failure budget per client IP over the shared counters: reservations are atomic (in memory or
 * one Redis script), so concurrent unknown keys from one address — on one instance or many — get at
 * most `maxFailures` database lookups per window. A valid key gives its slot back. An address found
 * spent is remembered locally until its window ends, so a flood doesn't ask Redis per request.
 */
export class KeyFailureLimiter implements FailureBudget {
  private readonly spentUntil = new Map<string, number>();
  private readonly options: KeyFailureLimiterOptions;

  constructor(options: KeyFailureLimiterOptions) {
    this.options = options;
  }

  spentForMs(ip: string): number | undefined {
    const until = this.spentUntil.get(ip);
    if (until === undefined) return undefined;
    const remaining = until - Date.now();
    if (remaining > 0) return remaining;
    this.spentUntil.delete(ip);
    return undefined;
  }

  async reserve(ip: string): Promise<number | undefined> {
    const { maxFailures: max, windowMs } = this.options;
    const reservation = await this.options.store.reserve({ key: keyOf(ip), max, windowMs });
    if (reservation.isReserved) return undefined;
    return this.markSpent(ip, reservation.retryInMs);
  }

  async refund(ip: string): Promise<void> {
    await this.options.store.refund(keyOf(ip));
  }

  async spend(ip: string): Promise<number | undefined> {
    const { count, resetInMs } = await this.options.store.increment(keyOf(ip), this.options.windowMs);
    if (count <= this.options.maxFailures) return undefined;
    return this.markSpent(ip, resetInMs);
  }

  private markSpent(ip: string, retryInMs: number): number {
    // Bounded: an attacker rotating addresses can't grow it without limit.
    if (this.spentUntil.size > 100_000) this.spentUntil.clear();
    const waitMs = Math.max(1, retryInMs);
    this.spentUntil.set(ip, Date.now() + waitMs);
    return waitMs;
  }
}

function keyOf(ip: string): string {
  return `key-failures:${ip}`;
}
