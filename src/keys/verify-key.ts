import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import type { CachedKey, KeyCache } from "./key-cache.js";
import { hashKey, isWellFormedKey, keyLength } from "./key-format.js";
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
  private readonly lastOnConnection = new WeakMap<object, { key: string; hash: string }>();

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
  lookupCached(presented: string, connection?: object): CachedKey | string {
    if (presented.length !== keyLength) return malformed;
    const hash = connection === undefined ? hashKey(presented) : this.hashOnConnection(presented, connection);
    // A revoke made by the CLI (another SQLite connection) must be seen by the very next request.
    if (this.hasExternalWrites()) this.cache.clear();
    const cached = this.cache.get(hash, Date.now());
    if (cached !== undefined) return cached;
    // Checked only on a miss: a cached hash is one a well-formed key produced (only well-formed keys
    // reach the database, and only database results are cached), so a hit needs no checksum.
    return isWellFormedKey(presented) ? hash : malformed;
  }

  /**
   * SHA-256 of the key, remembered for the connection it came on: a keep-alive client presents the same
   * key on every request and has it hashed once. The key stays in memory only while the connection is
   * open; comparing it with the last one takes the same time wherever they differ.
   */
  private hashOnConnection(presented: string, connection: object): string {
    const last = this.lastOnConnection.get(connection);
    if (last !== undefined && sameInConstantTime(last.key, presented)) return last.hash;
    const hash = hashKey(presented);
    this.lastOnConnection.set(connection, { key: presented, hash });
    return hash;
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

/** Equal strings of the key's length, compared without stopping at the first difference. */
function sameInConstantTime(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
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
