import type { Lease } from "../keys/rate-limit/window-leases.js";
import {
  type CounterStore,
  CounterStoreUnavailableError,
  type CounterWindow,
  type Reservation,
  type SlotRequest,
} from "./counter-store.js";

/**
 * The shared store, or this process's memory for each operation the shared one can't answer. For
 * limits that must keep holding during a Redis outage (failed API keys), where refusing everyone would
 * take the API down with Redis: each instance then counts alone, as without KEYWARD_REDIS_URL. Counts
 * don't move between the two: a slot taken in one and refunded while the other answers is not given
 * back (the error is on the safe side), and local counts lapse with their windows.
 */
export class FallbackCounterStore implements CounterStore {
  private readonly shared: CounterStore;
  private readonly local: CounterStore;

  constructor(shared: CounterStore, local: CounterStore) {
    this.shared = shared;
    this.local = local;
  }

  increment(key: string, windowMs: number): Promise<CounterWindow> {
    return this.either((store) => store.increment(key, windowMs));
  }

  reserve(...slots: SlotRequest[]): Promise<Reservation> {
    return this.either((store) => store.reserve(...slots));
  }

  lease(key: string, options: { max: number; windowMs: number; want: number }): Promise<Lease> {
    return this.either((store) => store.lease(key, options));
  }

  refund(key: string): Promise<void> {
    return this.either((store) => store.refund(key));
  }

  peek(key: string): Promise<CounterWindow> {
    return this.either((store) => store.peek(key));
  }

  reset(key: string): Promise<void> {
    return this.either((store) => store.reset(key));
  }

  async close(): Promise<void> {
    await Promise.all([this.shared.close(), this.local.close()]);
  }

  private async either<T>(operation: (store: CounterStore) => Promise<T>): Promise<T> {
    try {
      return await operation(this.shared);
    } catch (error) {
      if (!(error instanceof CounterStoreUnavailableError)) throw error;
      return operation(this.local);
    }
  }
}
