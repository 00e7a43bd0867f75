import type { RateLimit } from "./rate-limit.js";
import type { WindowLeases } from "./window-leases.js";

/** What a limited key's response tells the client (the RateLimit header fields). */
export interface RateLimitState {
  limit: RateLimit;
  /** An upper bound: other instances may have spent some of it since this one last asked. */
  remaining: number;
  resetSeconds: number;
}

export type RateDecision =
  | { allowed: true; state: RateLimitState }
  | { allowed: false; state: RateLimitState };

interface Bucket {
  /** When this instance's view of the window ends (local clock, from the shared clock's reset). */
  endsAt: number;
  /** Leased and not yet spent here. */
  tokens: number;
  /** Leased in the window by every instance as of the last lease. */
  used: number;
  /** The window has no budget left anywhere. */
  isExhausted: boolean;
  refill: Promise<void> | undefined;
}

const maxBuckets = 100_000;

/**
 * Per-key limits that never over-admit across instances, without a round trip per request: each
 * instance leases a slice of the key's window budget from the shared store (atomically, so all slices
 * together never exceed the limit) and spends it locally. Slices shrink as the window's budget runs
 * down, so little is stranded on an idle instance: clients sending more than the limit still get
 * nearly all of it. A request that finds tokens here is answered synchronously.
 */
export class KeyRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly leases: WindowLeases;

  constructor(leases: WindowLeases) {
    this.leases = leases;
  }

  take(keyId: string, limit: RateLimit): RateDecision | Promise<RateDecision> {
    const now = Date.now();
    let bucket = this.buckets.get(keyId);
    if (bucket !== undefined && now >= bucket.endsAt && bucket.refill === undefined) {
      this.buckets.delete(keyId);
      bucket = undefined;
    }
    if (bucket !== undefined && bucket.tokens > 0) {
      bucket.tokens--;
      return { allowed: true, state: stateOf(bucket, limit, now) };
    }
    if (bucket?.isExhausted) return { allowed: false, state: stateOf(bucket, limit, now) };
    return this.refill(keyId, limit, bucket).then(() => this.take(keyId, limit));
  }

  /** Leases more of the window; concurrent requests for the key share one lease in flight. */
  private refill(keyId: string, limit: RateLimit, existing: Bucket | undefined): Promise<void> {
    if (existing?.refill) return existing.refill;
    const bucket: Bucket = existing ?? {
      endsAt: 0,
      tokens: 0,
      used: 0,
      isExhausted: false,
      refill: undefined,
    };
    if (existing === undefined) this.remember(keyId, bucket);
    const remaining = limit.requests - bucket.used;
    const want = Math.max(1, Math.floor((existing === undefined ? limit.requests / 2 : remaining) / 8));
    bucket.refill = this.leases
      .lease(`rate:${keyId}`, { max: limit.requests, windowMs: limit.windowSeconds * 1000, want })
      .then(
        (lease) => {
          bucket.endsAt = Date.now() + lease.resetInMs;
          bucket.tokens += lease.granted;
          bucket.used = lease.used;
          bucket.isExhausted = lease.granted === 0;
        },
        (error: unknown) => {
          this.buckets.delete(keyId);
          throw error;
        },
      )
      .finally(() => {
        bucket.refill = undefined;
      });
    return bucket.refill;
  }

  private remember(keyId: string, bucket: Bucket): void {
    if (this.buckets.size >= maxBuckets) {
      const now = Date.now();
      for (const [id, old] of this.buckets)
        if (now >= old.endsAt && old.refill === undefined) this.buckets.delete(id);
      if (this.buckets.size >= maxBuckets) this.buckets.clear();
    }
    this.buckets.set(keyId, bucket);
  }
}

function stateOf(bucket: Bucket, limit: RateLimit, now: number): RateLimitState {
  return {
    limit,
    remaining: Math.max(0, limit.requests - bucket.used + bucket.tokens),
    resetSeconds: Math.max(0, Math.ceil((bucket.endsAt - now) / 1000)),
  };
}
