import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import type { CachedKey, KeyCache } from "./key-cache.js";
import { hashKey, isWellFormedKey } from "./key-format.js";
import { deserializePermissions } from "./permissions.js";
import type { UsageRecorder } from "./usage-recorder.js";
import { VerificationOutcomes } from "./verification-outcomes.js";
import type { VerifiedKey } from "./verified-key.js";

export interface KeyVerifierOptions {
  db: Db;
  cache: KeyCache;
  usage: UsageRecorder;
  /** True when another process wrote to the database since the last call: the cache is then dropped. */
  hasExternalWrites?: () => boolean;
  /** How often a key's last-used time is queued for writing; about once a minute by default. */
  usageIntervalMs?: number;
}

const malformed: CachedKey = { state: "unknown", key: null, storedAt: 0, usageQueuedAt: 0 };

/**
 * The hot path of every marketplace API request: checksum, SHA-256, cache; the database only on a
 * miss. Returns synchronously on a cache hit so a cached verification allocates no promise.
 */
export class KeyVerifier {
  readonly cache: KeyCache;
  /** Counted by the API-key hook; read by /metrics. */
  readonly outcomes = new VerificationOutcomes();
  private readonly db: Db;
  private readonly usage: UsageRecorder;
  private readonly usageIntervalMs: number;
  private readonly hasExternalWrites: () => boolean;

  constructor(options: KeyVerifierOptions) {
    this.db = options.db;
    this.cache = options.cache;
    this.usage = options.usage;
    this.usageIntervalMs = options.usageIntervalMs ?? 60_000;
    this.hasExternalWrites = options.hasExternalWrites ?? (() => false);
  }

  /**
   * Looks the key up in the cache. Returns the result, or — on a miss — the SHA-256 to `load`, so the
   * caller can refuse a blocked client before the database is touched. Never throws for a bad key.
   */
  lookupCached(presented: string): CachedKey | string {
    if (!isWellFormedKey(presented)) return malformed;
    const hash = hashKey(presented);
    // A revoke made by the CLI (another SQLite connection) must be seen by the very next request.
    if (this.hasExternalWrites()) this.cache.clear();
    return this.cache.get(hash, Date.now()) ?? hash;
  }

  /** Looks the key up, from the database if it is not cached. */
  lookup(presented: string): CachedKey | Promise<CachedKey> {
    const found = this.lookupCached(presented);
    return typeof found === "string" ? this.load(found) : found;
  }

  /** Turns a lookup result into the verified key, or the AppError the client gets. */
  accept(entry: CachedKey, ip: string | null): VerifiedKey {
    if (entry.state !== "active" || entry.key === null) throw rejectionFor(entry);
    const now = Date.now();
    if (now - entry.usageQueuedAt >= this.usageIntervalMs) {
      entry.usageQueuedAt = now;
      this.usage.note(entry.key.id, now, ip);
    }
    return entry.key;
  }

  /** Reads the key by hash and caches the result (including "unknown"). */
  async load(hash: string): Promise<CachedKey> {
    const generation = this.cache.generation;
    const row = await this.db
      .selectFrom("api_keys as k")
      .innerJoin("users as u", "u.id", "k.owner_user_id")
      .select([
        "k.id",
        "k.account_id",
        "k.owner_user_id",
        "k.name",
        "k.permissions",
        "k.revoked_at",
        "u.role",
        "u.api_access_granted_at",
        "u.deactivated_at",
      ])
      .where("k.key_hash", "=", hash)
      .executeTakeFirst();
    const entry: CachedKey = { state: "unknown", key: null, storedAt: Date.now(), usageQueuedAt: 0 };
    if (row) {
      const ownerHasAccess =
        row.deactivated_at === null && (row.role === "administrator" || row.api_access_granted_at !== null);
      entry.state = row.revoked_at !== null ? "revoked" : ownerHasAccess ? "active" : "access_disabled";
      entry.key = {
        id: row.id,
        accountId: row.account_id,
        ownerUserId: row.owner_user_id,
        name: row.name,
        permissions: deserializePermissions(row.permissions),
      };
    }
    this.cache.set(hash, entry, generation);
    return entry;
  }
}

/** The 401 a client gets for a key that is not usable. */
export function rejectionFor(entry: CachedKey): AppError {
  switch (entry.state) {
    case "revoked":
      return new AppError(
        "revoked_api_key",
        "This API key has been revoked. Generate a new key in Account > API Keys.",
      );
    case "access_disabled":
      return new AppError(
        "api_access_disabled",
        "The owner of this API key no longer has API access. An Administrator can grant it again.",
      );
    default:
      return new AppError("invalid_api_key", "The API key is not valid. Check that it was copied in full.");
  }
}
