import { hash } from "node:crypto";
import type { AllowlistMatcher } from "../hygiene/ip-allowlist.js";
import type { RateLimit } from "../rate-limit/rate-limit.js";
import { KnownKeys } from "./known-keys.js";
import type { VerifiedKey } from "./verified-key.js";
import type { Rejection } from "./verify-key.js";

/** What the database said about a key hash, before the route's own checks (permission, …). */
export type KeyState = "active" | "revoked" | "owner_lost_access" | "owner_deactivated" | "unknown";

/** A canary behind a hash: refused exactly like an unknown key, but its use raises an alert. */
export interface CanaryRef {
  keyId: string;
  accountId: string;
  ownerId: string;
  name: string;
  hint: string;
}

/** What verification knows about one presented key hash. `unknown` entries cache misses too. */
export interface CachedKey {
  state: KeyState;
  key: VerifiedKey | null;
  storedAt: number;
  /** When this instance last queued a last-used update for the key (batched, not per request). */
  usageQueuedAt: number;
  /** The verifier's answer for an active key, made once per entry rather than per request. */
  accepted?: { valid: true; key: VerifiedKey };
  /** From this instant (ms) the key is refused with `notAfterRejection`: it expired, or its secret was rolled. */
  notAfter: number;
  notAfterRejection: Rejection | undefined;
  /** Where the key may be used from; null: anywhere. */
  allowlist: AllowlistMatcher | null;
  /** Requests per window; null: not limited. */
  rateLimit: RateLimit | null;
  /** Set only for a live canary (its state is "unknown" and key null, so it is refused as unknown). */
  canary?: CanaryRef;
}

/**
 * What infrastructure may do to the verification cache: cross-instance notifications and the SQLite
 * external-write watch drop entries and switch trust through this, and nothing else.
 */
export interface VerificationCacheControl {
  invalidateKey(keyId: string): void;
  invalidateOwner(userId: string): void;
  /** A key (or a rolled secret) was created with this hash: it must never be taken for an unknown key. */
  keyCreated(hash: string): void;
  /** Drops every entry; what was missed can't be known, so the known-keys filter is rebuilt too. */
  clear(): void;
  /** False while cross-instance invalidation is not guaranteed: every verification then reads the database. */
  setTrusted(isTrusted: boolean): void;
}

export interface KeyCacheOptions {
  maxEntries: number;
  maxAgeMs: number;
}

/**
 * What the cache is keyed by: a presented key's SHA-256 as 32 one-byte characters (48 bytes of heap per
 * entry) rather than the 64 hex characters the database stores (80). The hex form (`hexOfDigest`) is
 * made only on a miss, for the database and the known-keys filter.
 */
export function digestOfKey(presented: string): string {
  // One-shot hash: no Hash object per verification (Node 20.12+). "binary" is latin1: a byte a character.
  return hash("sha256", presented, "binary");
}

/** The hex SHA-256 (`api_keys.key_hash`) of a `digestOfKey` digest. */
export function hexOfDigest(digest: string): string {
  return Buffer.from(digest, "latin1").toString("hex");
}

/**
 * A bounded in-process cache of verification results keyed by SHA-256 of the key (`digestOfKey`).
 *
 * Invalidation is by key id or owner id (the events that change verification), and bumps the
 * generation: a database read that started before an invalidation must not be stored after it, or a
 * revoked key could be re-cached from a stale read.
 */
export class KeyCache implements VerificationCacheControl {
  /** Which key hashes exist (a filter), for clients over their failure budget. */
  readonly knownKeys = new KnownKeys();
  private readonly entries = new Map<string, CachedKey>();
  /**
   * A key has one cached hash, or two while a rolled secret is in its grace period: a string, or an
   * array for the rare second one (a Set per key would cost ~200 bytes a cached key).
   */
  private readonly hashesByKeyId = new Map<string, Hashes>();
  private readonly options: KeyCacheOptions;
  private currentGeneration = 0;
  private trusted = true;
  private hitCount = 0;
  private missCount = 0;

  constructor(options: KeyCacheOptions) {
    this.options = options;
  }

  get size(): number {
    return this.entries.size;
  }

  get hits(): number {
    return this.hitCount;
  }

  get misses(): number {
    return this.missCount;
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  /** Take it before a database read; pass it to `set` so a read overtaken by an invalidation is dropped. */
  get generation(): number {
    return this.currentGeneration;
  }

  setTrusted(isTrusted: boolean): void {
    this.trusted = isTrusted;
    // While invalidations may be missed, so may creations: the filter can no longer say "no".
    if (!isTrusted) this.knownKeys.markIncomplete();
  }

  keyCreated(hash: string): void {
    this.knownKeys.add(hash);
  }

  get(hash: string, now: number): CachedKey | undefined {
    const entry = this.trusted ? this.entries.get(hash) : undefined;
    if (entry === undefined) {
      this.missCount++;
      return undefined;
    }
    if (now - entry.storedAt > this.options.maxAgeMs) {
      this.remove(hash, entry);
      this.missCount++;
      return undefined;
    }
    this.hitCount++;
    return entry;
  }

  /** Stores an entry read at `generationAtRead`; skipped if anything was invalidated since. */
  set(hash: string, entry: CachedKey, generationAtRead: number): void {
    if (!this.trusted || generationAtRead !== this.currentGeneration || this.options.maxEntries === 0) return;
    const previous = this.entries.get(hash);
    if (previous) this.remove(hash, previous);
    while (this.entries.size >= this.options.maxEntries) this.evictOldest();
    this.entries.set(hash, entry);
    if (entry.key) {
      addHash(this.hashesByKeyId, entry.key.id, hash);
    }
  }

  invalidateKey(keyId: string): void {
    this.currentGeneration++;
    const hashes = this.hashesByKeyId.get(keyId);
    this.removeAll(typeof hashes === "string" ? [hashes] : hashes);
  }

  /**
   * A scan, not an index: an owner's access changes rarely (an Administrator granting or removing API
   * access, a ceiling, a deactivation), and the scan takes ≈5 ms per 100,000 entries; an index by owner
   * cost every cached key ≈26 bytes, and every owner a Set of ≈100 more.
   */
  invalidateOwner(userId: string): void {
    this.currentGeneration++;
    const hashes: string[] = [];
    this.entries.forEach((entry, hash) => {
      if (entry.key?.ownerUserId === userId) hashes.push(hash);
    });
    this.removeAll(hashes);
  }

  private removeAll(hashes: Iterable<string> | undefined): void {
    if (!hashes) return;
    for (const hash of [...hashes]) {
      const entry = this.entries.get(hash);
      if (entry) this.remove(hash, entry);
    }
  }

  clear(): void {
    this.knownKeys.markIncomplete();
    this.currentGeneration++;
    this.entries.clear();
    this.hashesByKeyId.clear();
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
    removeHash(this.hashesByKeyId, entry.key.id, hash);
  }
}

type Hashes = string | string[];

function addHash(index: Map<string, Hashes>, id: string, hash: string): void {
  const hashes = index.get(id);
  if (hashes === undefined || hashes === hash) index.set(id, hash);
  else if (typeof hashes === "string") index.set(id, [hashes, hash]);
  else if (!hashes.includes(hash)) hashes.push(hash);
}

function removeHash(index: Map<string, Hashes>, id: string, hash: string): void {
  const hashes = index.get(id);
  if (hashes === undefined) return;
  if (typeof hashes === "string") {
    if (hashes === hash) index.delete(id);
    return;
  }
  const rest = hashes.filter((other) => other !== hash);
  if (rest.length === 0) index.delete(id);
  else index.set(id, rest.length === 1 ? (rest[0] as string) : rest);
}
