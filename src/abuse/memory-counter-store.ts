import type { Lease } from "../keys/rate-limit/window-leases.js";
import {
  type CounterStore,
  type CounterWindow,
  lockMs,
  type Reservation,
  type SlotRequest,
} from "./counter-store.js";

interface Entry {
  count: number;
  /** When the window ends (ms since epoch); at or before now means no window: the count is 0. */
  resetAt: number;
  lockedUntil: number;
}

/**
 * One process's counters. Each operation runs to completion without awaiting anything, which is what
 * makes check-and-take atomic here. Bounded, so an attacker rotating addresses or emails can't grow it
 * forever: when full, expired entries go first, then the oldest.
 */
export class MemoryCounterStore implements CounterStore {
  private readonly entries = new Map<string, Entry>();
  private readonly maxKeys: number;

  constructor(maxKeys = 100_000) {
    this.maxKeys = maxKeys;
  }

  async increment(key: string, windowMs: number): Promise<CounterWindow> {
    const now = Date.now();
    const entry = this.open(key, windowMs, now);
    entry.count++;
    return { count: entry.count, resetInMs: entry.resetAt - now };
  }

  async reserve(...slots: SlotRequest[]): Promise<Reservation> {
    const now = Date.now();
    const retryInMs = Math.max(0, ...slots.map((slot) => this.refusal(slot, now)));
    if (retryInMs > 0) return { isReserved: false, retryInMs };
    return { isReserved: true, counts: slots.map((slot) => this.take(slot, now)) };
  }

  async lease(key: string, options: { max: number; windowMs: number; want: number }): Promise<Lease> {
    const now = Date.now();
    const window = Math.floor(now / options.windowMs);
    const windowKey = `${key}:${window}`;
    const entry = this.open(windowKey, (window + 1) * options.windowMs - now, now);
    const granted = Math.max(0, Math.min(options.want, options.max - entry.count));
    entry.count += granted;
    return { granted, used: entry.count, resetInMs: entry.resetAt - now };
  }

  async refund(key: string): Promise<void> {
    const entry = this.live(key, Date.now());
    if (entry && entry.count > 0) entry.count--;
  }

  async peek(key: string): Promise<CounterWindow> {
    const now = Date.now();
    const entry = this.live(key, now);
    if (!entry || entry.count === 0) return { count: 0, resetInMs: 0 };
    return { count: entry.count, resetInMs: entry.resetAt - now };
  }

  async reset(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async close(): Promise<void> {}

  /** 0 if the slot can be taken now, else the ms until it can. */
  private refusal(slot: SlotRequest, now: number): number {
    const entry = this.live(slot.key, now);
    if (!entry) return 0;
    if (entry.lockedUntil > now) return entry.lockedUntil - now;
    if (!slot.backoff && entry.count >= slot.max) return Math.max(1, entry.resetAt - now);
    return 0;
  }

  private take(slot: SlotRequest, now: number): number {
    const entry = this.open(slot.key, slot.windowMs, now);
    entry.count++;
    if (slot.backoff && entry.count >= slot.max) {
      entry.lockedUntil = now + lockMs(slot.backoff, entry.count - slot.max);
    }
    return entry.count;
  }

  /** The key's entry with an ended window read as count 0, or undefined once nothing of it is left. */
  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.resetAt <= now) entry.count = 0;
    if (entry.count === 0 && entry.lockedUntil <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The key's entry with a window running, starting one if needed. */
  private open(key: string, windowMs: number, now: number): Entry {
    let entry = this.live(key, now);
    if (!entry) {
      if (this.entries.size >= this.maxKeys) this.evictExpiredOrOldest(now);
      entry = { count: 0, resetAt: 0, lockedUntil: 0 };
      this.entries.set(key, entry);
    }
    if (entry.resetAt <= now) entry.resetAt = now + windowMs;
    return entry;
  }

  private evictExpiredOrOldest(now: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.resetAt <= now && entry.lockedUntil <= now) this.entries.delete(key);
    }
    if (this.entries.size >= this.maxKeys) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
