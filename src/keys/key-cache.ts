import type { VerifiedKey } from "./verified-key.js";

export type KeyState = "active" | "revoked" | "access_disabled" | "unknown";

/** What verification knows about one presented key hash. `unknown` entries cache misses too. */
export interface CachedKey {
  state: KeyState;
  key: VerifiedKey | null;
  storedAt: number;
  /** When this instance last queued a last-used update for the key (batched, not per request). */
  usageQueuedAt: number;
}

export interface KeyCacheOptions {
  maxEntries: number;
  maxAgeMs: number;
}

/**
 * A bounded in-process cache of verification results keyed by SHA-256 of the key.
 *
 * Invalidation is by key id or owner id (the events that change verification), and bumps
 * `generation`: a database read that started before an invalidation must not be stored after it,
 * or a revoked key could be re-cached from a stale read.
 */
export class KeyCache {
  private readonly entries = new Map<string, CachedKey>();
  private readonly hashByKeyId = new Map<string, string>();
  private readonly hashesByOwner = new Map<string, Set<string>>();
  private readonly options: KeyCacheOptions;
  generation = 0;
  /** False while cross-instance invalidation is not guaranteed: every verification reads the database. */
  isTrusted = true;
  hits = 0;
  misses = 0;

  constructor(options: KeyCacheOptions) {
    this.options = options;
  }

  get size(): number {
    return this.entries.size;
  }

  get(hash: string, now: number): CachedKey | undefined {
    if (!this.isTrusted) {
      this.misses++;
      return undefined;
    }
    const entry = this.entries.get(hash);
    if (entry === undefined) {
      this.misses++;
      return undefined;
    }
    if (now - entry.storedAt > this.options.maxAgeMs) {
      this.remove(hash, entry);
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry;
  }

  /** Stores an entry read at `generationAtRead`; skipped if anything was invalidated since. */
  set(hash: string, entry: CachedKey, generationAtRead: number): void {
    if (!this.isTrusted || generationAtRead !== this.generation || this.options.maxEntries === 0) return;
    const previous = this.entries.get(hash);
    if (previous) this.remove(hash, previous);
    while (this.entries.size >= this.options.maxEntries) this.evictOldest();
    this.entries.set(hash, entry);
    if (entry.key) {
      this.hashByKeyId.set(entry.key.id, hash);
      let owned = this.hashesByOwner.get(entry.key.ownerUserId);
      if (!owned) {
        owned = new Set();
        this.hashesByOwner.set(entry.key.ownerUserId, owned);
      }
      owned.add(hash);
    }
  }

  invalidateKey(keyId: string): void {
    this.generation++;
    const hash = this.hashByKeyId.get(keyId);
    const entry = hash === undefined ? undefined : this.entries.get(hash);
    if (hash !== undefined && entry) this.remove(hash, entry);
  }

  invalidateOwner(userId: string): void {
    this.generation++;
    const owned = this.hashesByOwner.get(userId);
    if (!owned) return;
    for (const hash of [...owned]) {
      const entry = this.entries.get(hash);
      if (entry) this.remove(hash, entry);
    }
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.hashByKeyId.clear();
    this.hashesByOwner.clear();
  }

  private evictOldest(): void {
    const oldest = this.entries.keys().next();
    if (oldest.done) return;
    const entry = this.entries.get(oldest.value);
    if (entry) this.remove(oldest.value, entry);
  }

  private remove(hash: string, entry: CachedKey): void {
    this.entries.delete(hash);
    if (!entry.key) return;
    if (this.hashByKeyId.get(entry.key.id) === hash) this.hashByKeyId.delete(entry.key.id);
    const owned = this.hashesByOwner.get(entry.key.ownerUserId);
    if (owned) {
      owned.delete(hash);
      if (owned.size === 0) this.hashesByOwner.delete(entry.key.ownerUserId);
    }
  }
}
