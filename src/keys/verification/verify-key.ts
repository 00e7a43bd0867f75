import { isWellFormedKey, keyLength } from "../key-format.js";
import type { RequiredPermission } from "../permissions.js";
import type { KeyRateLimiter, RateDecision, RateLimitState } from "../rate-limit/key-rate-limiter.js";
import { evaluate, isFailure } from "./evaluate.js";
import type { FailureBudget } from "./failure-budget.js";
import { type CachedKey, type CanaryRef, digestOfKey, hexOfDigest, type KeyCache } from "./key-cache.js";
import type { KnownKeyHashes } from "./known-key-hashes.js";
import { type KeyReader, unknownEntry } from "./read-key.js";
import { keyRateLimited, rateLimited, rejection } from "./rejections.js";
import type { UsageRecorder } from "./usage-recorder.js";
import { VerificationOutcomes } from "./verification-outcomes.js";
import type { VerifiedKey } from "./verified-key.js";

/** Why a presented key was refused: each is one error code of the API. */
export type RejectionCode =
  | "missing_api_key"
  | "invalid_api_key"
  | "revoked_api_key"
  | "expired_api_key"
  | "rolled_api_key"
  | "api_access_disabled"
  | "ip_not_allowed"
  | "insufficient_permissions"
  | "rate_limited";

export interface Rejection {
  valid: false;
  code: RejectionCode;
  message: string;
  /** The key, when the presented secret belongs to one (usage is counted per key, refusals included). */
  keyId?: string;
  accountId?: string;
  /** A limited key's window, for the RateLimit header fields. */
  rateLimit?: RateLimitState;
  /** rate_limited: when to try again. */
  retryAfterSeconds?: number;
  /** insufficient_permissions: the permission that was missing, e.g. `orders:write`. */
  required?: string;
}

/** A key that passed; a limited key's answer also carries its window, for the RateLimit header fields. */
export interface Acceptance {
  valid: true;
  key: VerifiedKey;
  rateLimit?: RateLimitState;
}

/** The one answer verification gives. */
export type Verification = Acceptance | Rejection;

export interface VerifyOptions {
  /** The client's address as resolved with the trusted-proxy settings: limits and last-used use it. */
  ip: string;
  /** The keep-alive connection the key came on, if any: its hash is remembered for that connection. */
  connection?: object;
  /** The permission the caller needs; absent: any valid key will do. */
  required?: RequiredPermission;
  /** For a canary's alert only: the client's User-Agent and the route it called. */
  userAgent?: string | undefined;
  route?: string | undefined;
  /** Only keys of this account are valid (a service token's account); others are unknown keys. */
  accountId?: string;
}

export interface KeyVerifierOptions {
  reader: KeyReader;
  cache: KeyCache;
  usage: UsageRecorder;
  /** Failed verifications per client IP: over the limit, unknown keys no longer reach the database. */
  failures?: FailureBudget;
  /** Every key hash, for the known-keys filter a client over its budget is checked against. */
  knownKeyHashes?: KnownKeyHashes;
  /** True when another process wrote to the database since the last call: the cache is then dropped. */
  hasExternalWrites?: () => boolean;
  /** How often a key's last-used time is queued for writing; about once a minute by default. */
  usageIntervalMs?: number;
  /** Enforces keys' rate limits (absent: limits are not enforced, e.g. in the CLI). */
  rateLimiter?: KeyRateLimiter;
  /** Told (synchronously, after the answer is made) when a canary was presented; it raises the alert. */
  onCanaryUsed?: (canary: CanaryRef, options: VerifyOptions) => void;
}

const malformed: CachedKey = unknownEntry();

/**
 * Verification, the hot path of every keyed request: `verify()` is the only entry point, and it
 * answers synchronously on a cache hit, so a cached valid key allocates no promise. Every outcome is
 * counted here; the checks themselves are `evaluate`'s.
 */
export class KeyVerifier {
  readonly outcomes = new VerificationOutcomes();
  private readonly reader: KeyReader;
  private readonly cache: KeyCache;
  private readonly usage: UsageRecorder;
  private readonly budget: FailureBudget | undefined;
  private readonly knownKeyHashes: KnownKeyHashes | undefined;
  private readonly usageIntervalMs: number;
  private readonly rateLimiter: KeyRateLimiter | undefined;
  private readonly hasExternalWrites: () => boolean;
  private readonly onCanaryUsed: ((canary: CanaryRef, options: VerifyOptions) => void) | undefined;
  private readonly lastOnConnection = new WeakMap<object, { key: string; digest: string }>();
  private knownKeysRebuild: Promise<unknown> | undefined;

  constructor(options: KeyVerifierOptions) {
    this.reader = options.reader;
    this.cache = options.cache;
    this.usage = options.usage;
    this.budget = options.failures;
    this.knownKeyHashes = options.knownKeyHashes;
    this.usageIntervalMs = options.usageIntervalMs ?? 60_000;
    this.rateLimiter = options.rateLimiter;
    this.hasExternalWrites = options.hasExternalWrites ?? (() => false);
    this.onCanaryUsed = options.onCanaryUsed;
  }

  /** Verifies a presented key for one request. Never throws for a bad key; a database failure rejects. */
  verify(presented: string | undefined, options: VerifyOptions): Verification | Promise<Verification> {
    if (presented === undefined || presented === "") return this.finish(rejection.missing);
    const found = this.lookupCached(presented, options.connection);
    if (typeof found === "string") return this.readAndEvaluate(found, options);
    const answer = evaluate(found, options, Date.now());
    if (answer.valid) return this.accept(found, answer, options);
    if (this.budget === undefined || !isFailure(answer)) return this.finish(answer, found, options);
    // A cached key that doesn't work spends the budget like any failure; past it, 429.
    return this.budget.spend(options.ip).then(
      (waitMs) => this.finish(waitMs === undefined ? answer : rateLimited(waitMs), found, options),
      () => this.finish(answer, found, options),
    );
  }

  /** (Re)builds the known-keys filter from the database; started at start-up and after anything that may have missed a key. */
  rebuildKnownKeys(): Promise<unknown> {
    const load = this.knownKeyHashes;
    if (load === undefined) return Promise.resolve();
    const running =
      this.knownKeysRebuild ??
      load
        .count()
        .then((count: number) => this.cache.knownKeys.rebuild(count, load.each))
        .finally(() => {
          this.knownKeysRebuild = undefined;
        });
    this.knownKeysRebuild = running;
    return running;
  }

  /**
   * A cache miss. With a failure budget, a slot is reserved before the database is read (atomically,
   * so a burst can't all get through) and given back if the key works; a client with no budget left
   * reaches the database only for hashes the known-keys filter can't rule out.
   */
  private async readAndEvaluate(digest: string, options: VerifyOptions): Promise<Verification> {
    const { budget } = this;
    const hash = hexOfDigest(digest);
    let waitMs: number | undefined;
    if (budget !== undefined) {
      waitMs = budget.spentForMs(options.ip) ?? (await budget.reserve(options.ip));
      const { knownKeys } = this.cache;
      // Until the filter is complete again (it just missed a change), such a client reads the database.
      if (waitMs !== undefined && !knownKeys.isComplete) void this.rebuildKnownKeys().catch(() => {});
      if (waitMs !== undefined && !knownKeys.mightContain(hash)) return this.finish(rateLimited(waitMs));
    }
    const generation = this.cache.generation;
    this.outcomes.databaseReads++;
    const entry = await this.reader(hash);
    this.cache.set(digest, entry, generation);
    const answer = evaluate(entry, options, Date.now());
    if (budget !== undefined && waitMs === undefined && !isFailure(answer)) {
      await budget.refund(options.ip).catch(() => {});
    }
    if (answer.valid) return this.accept(entry, answer, options);
    // Over budget, a key that doesn't work is refused as the burst it belongs to.
    if (waitMs !== undefined && isFailure(answer)) return this.finish(rateLimited(waitMs), entry, options);
    return this.finish(answer, entry, options);
  }

  private accept(
    entry: CachedKey,
    answer: Acceptance,
    options: VerifyOptions,
  ): Verification | Promise<Verification> {
    const now = Date.now();
    if (now - entry.usageQueuedAt >= this.usageIntervalMs) {
      entry.usageQueuedAt = now;
      this.usage.note(answer.key.id, now, options.ip);
    }
    const limit = entry.rateLimit;
    if (limit === null || this.rateLimiter === undefined) {
      this.outcomes.countValid();
      return answer;
    }
    const decision = this.rateLimiter.take(answer.key.id, limit);
    return decision instanceof Promise
      ? decision.then((settled) => this.limited(answer, settled))
      : this.limited(answer, decision);
  }

  /** A limited key's answer: admitted with its window's state, or 429 until the window resets. */
  private limited(answer: Acceptance, decision: RateDecision): Verification {
    if (decision.allowed) {
      this.outcomes.countValid();
      return { valid: true, key: answer.key, rateLimit: decision.state };
    }
    return this.finish(keyRateLimited(answer.key, decision.state));
  }

  /**
   * Counts a rejection; one of a known key names it, so the key's usage counts its refusals too. A
   * canary's rejection is an unknown key's, unchanged; only the alert is raised besides.
   */
  private finish(answer: Rejection, entry?: CachedKey, options?: VerifyOptions): Rejection {
    this.outcomes.countRejection(answer.code);
    if (entry?.canary !== undefined && options !== undefined) this.onCanaryUsed?.(entry.canary, options);
    const key = entry?.key;
    if (key == null || answer.keyId !== undefined) return answer;
    return { ...answer, keyId: key.id, accountId: key.accountId };
  }

  /** The cached answer for the key, or — on a miss — its SHA-256 (`digestOfKey`) to read from the database. */
  private lookupCached(presented: string, connection: object | undefined): CachedKey | string {
    if (presented.length !== keyLength) return malformed;
    const digest =
      connection === undefined ? digestOfKey(presented) : this.digestOnConnection(presented, connection);
    // A revoke made by the CLI (another SQLite connection) must be seen by the very next request.
    if (this.hasExternalWrites()) this.cache.clear();
    const cached = this.cache.get(digest, Date.now());
    if (cached !== undefined) return cached;
    // Checked only on a miss: a cached hash is one a well-formed key produced (only well-formed keys
    // reach the database, and only database results are cached), so a hit needs no checksum.
    return isWellFormedKey(presented) ? digest : malformed;
  }

  /**
   * SHA-256 of the key, remembered for the connection it came on: a keep-alive client presents the same
   * key on every request and has it hashed once. The key stays in memory only while the connection is
   * open; comparing it with the last one takes the same time wherever they differ.
   */
  private digestOnConnection(presented: string, connection: object): string {
    const last = this.lastOnConnection.get(connection);
    if (last !== undefined && sameInConstantTime(last.key, presented)) return last.digest;
    const digest = digestOfKey(presented);
    this.lastOnConnection.set(connection, { key: presented, digest });
    return digest;
  }
}

/** Equal strings of the key's length, compared without stopping at the first difference. */
function sameInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
