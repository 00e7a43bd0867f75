import type { WindowLeases } from "../keys/rate-limit/window-leases.js";

/**
 * Counters in fixed windows, shared by the abuse guards: in one process's memory
 * (`MemoryCounterStore`), in Redis so every instance shares them (`RedisCounterStore`), or in Redis
 * with this process's memory standing in while Redis is unreachable (`FallbackCounterStore`).
 *
 * Every operation is atomic: in memory it runs synchronously (no await between the check and the
 * change), in Redis it is one Lua script. So N concurrent `reserve`s against a limit of 5 grant exactly
 * 5, on one instance or across many. A window starts with the first count of a key and lasts
 * `windowMs`; then the key's count starts again at 0.
 *
 * Failure contract: a Redis-backed store rejects with `CounterStoreUnavailableError` — quickly, never
 * later than its timeout — when Redis is unreachable, slow or refusing connections. Callers decide
 * whether that fails closed (sign-in: 503) or falls back (`FallbackCounterStore`).
 */
/** Also leases slices of per-key rate-limit windows (`WindowLeases.lease`), in the same store. */
export interface CounterStore extends WindowLeases {
  /** Adds one, whatever the count, and returns the new count and the ms until the window ends. */
  increment(key: string, windowMs: number): Promise<CounterWindow>;
  /**
   * Takes one slot in each of `slots`, all or nothing: granted only if every slot's counter is below
   * its `max` (or, with `backoff`, not locked); refused otherwise, changing nothing, with the ms until
   * the longest of the refusals ends. Reserve *before* the costly or guessable work (a password check,
   * a database lookup); `refund` the slot afterwards if the work turned out not to count. Each key at
   * most once per call.
   */
  reserve(...slots: SlotRequest[]): Promise<Reservation>;
  /**
   * Gives one slot back (never below 0; a no-op once the window has ended). A lock the slot started
   * stays: refunds are for work that did not count, and locks are short.
   */
  refund(key: string): Promise<void>;
  /** The count in the current window (0 and 0 ms when there is none); changes nothing. */
  peek(key: string): Promise<CounterWindow>;
  /** Forgets the key: its count and any lock. */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export interface CounterWindow {
  count: number;
  resetInMs: number;
}

export interface SlotRequest {
  key: string;
  /** Slots in one window. */
  max: number;
  windowMs: number;
  /**
   * Growing lock-outs instead of a hard stop once `max` slots are taken: the max-th slot locks the
   * key for `firstMs`, and after each lock ends exactly one more slot can be taken, locking it for
   * twice as long as the last (capped at `maxMs`). Without `backoff`, a full window refuses until it
   * ends.
   */
  backoff?: { firstMs: number; maxMs: number };
}

export type Reservation =
  /** `counts[i]` is slot i's count in its window, this reservation included. */
  { isReserved: true; counts: number[] } | { isReserved: false; retryInMs: number };

/** The store cannot answer (Redis unreachable, or slower than its timeout). Nothing was counted. */
export class CounterStoreUnavailableError extends Error {
  override name = "CounterStoreUnavailableError";
}

/** How long the n-th slot past `max` (n = 0 for the max-th slot itself) locks its key. */
export function lockMs(backoff: NonNullable<SlotRequest["backoff"]>, beyondMax: number): number {
  return Math.min(backoff.firstMs * 2 ** beyondMax, backoff.maxMs);
}
