import type { KeyLookup } from "../../db/key-lookup.js";
import { ownerAccessOf } from "../../users/user-view.js";
import { compileAllowlist } from "../hygiene/ip-allowlist.js";
import { effectivePermissions } from "../hygiene/permission-ceiling.js";
import { deserializePermissions, deserializePermissionsOrNull, type Permissions } from "../permissions.js";
import { rateLimitOf } from "../rate-limit/rate-limit.js";
import type { CachedKey, KeyState } from "./key-cache.js";
import { expiredRejection, rolledRejection } from "./rejections.js";

/** Reads what verification needs about a key hash (a cache miss). */
export type KeyReader = (hash: string) => Promise<CachedKey>;

/**
 * The one indexed query of a cache miss: the key whose current or previous (rolled, in grace) secret
 * has this hash, joined with its owner. Everything a request's checks need is computed here, once per
 * cache entry: the end of its validity, its allowlist matcher and its effective permissions.
 */
export function readKeyByHash(findKeyByHash: KeyLookup): KeyReader {
  // Most cached keys share their account, many their owner and their permissions: each of those is
  // held once, not once per cache entry (about 130 bytes an entry).
  const ids = new Interner<string>();
  const permissionSets = new Interner<Permissions>();
  return async (hash) => {
    const row = await findKeyByHash(hash);
    const entry: CachedKey = unknownEntry();
    if (!row) return entry;
    // A canary is an unknown key to its caller; only the alert knows better (src/leaks).
    if (row.is_canary === 1) {
      if (row.revoked_at === null) {
        entry.canary = {
          keyId: row.id,
          accountId: row.account_id,
          ownerId: row.owner_user_id,
          name: row.name,
          hint: row.hint,
        };
      }
      return entry;
    }
    const isPrevious = row.key_hash !== hash;
    const ceiling = row.role === "administrator" ? null : row.permission_ceiling;
    entry.state = stateOf(row);
    entry.key = {
      id: row.id,
      accountId: ids.get(row.account_id, same),
      ownerUserId: ids.get(row.owner_user_id, same),
      name: row.name,
      permissions: permissionSets.get(`${row.permissions}\n${ceiling}`, () =>
        Object.freeze(
          effectivePermissions(
            deserializePermissions(row.permissions),
            deserializePermissionsOrNull(ceiling),
          ),
        ),
      ),
      expiresAt: row.expires_at,
      previousSecretValidUntil: isPrevious ? row.previous_key_valid_until : null,
      isIpRestricted: row.allowed_ips !== null,
    };
    const expiresAt = row.expires_at === null ? Number.POSITIVE_INFINITY : Date.parse(row.expires_at);
    const graceEnds = row.previous_key_valid_until === null ? 0 : Date.parse(row.previous_key_valid_until);
    // A replaced secret works until its grace ends, or the key expires if that comes first.
    if (isPrevious && graceEnds < expiresAt) {
      entry.notAfter = graceEnds;
      entry.notAfterRejection = rolledRejection(row.rolled_at ?? "");
    } else if (row.expires_at !== null) {
      entry.notAfter = expiresAt;
      entry.notAfterRejection = expiredRejection(row.expires_at);
    }
    entry.rateLimit = rateLimitOf(row.rate_limit);
    entry.allowlist =
      row.allowed_ips === null ? null : compileAllowlist(JSON.parse(row.allowed_ips) as string[]);
    return entry;
  };
}

const same = (text: string) => text;

/**
 * One shared value per text, for values many cache entries hold. Bounded: when full it starts over,
 * so it never holds more than `maxSize` values whatever the number of accounts, owners and sets.
 */
class Interner<T> {
  private readonly values = new Map<string, T>();
  private readonly maxSize: number;

  constructor(maxSize = 10_000) {
    this.maxSize = maxSize;
  }

  get(text: string, make: (text: string) => T): T {
    let value = this.values.get(text);
    if (value === undefined) {
      if (this.values.size >= this.maxSize) this.values.clear();
      value = make(text);
      this.values.set(text, value);
    }
    return value;
  }
}

export function unknownEntry(): CachedKey {
  return {
    state: "unknown",
    key: null,
    storedAt: Date.now(),
    usageQueuedAt: 0,
    notAfter: Number.POSITIVE_INFINITY,
    notAfterRejection: undefined,
    allowlist: null,
    rateLimit: null,
    // Declared up front so an entry keeps one shape: a property added later costs a second
    // allocation per entry (≈24 bytes, bench/cache-memory.ts).
    accepted: undefined,
    canary: undefined,
  };
}

function stateOf(row: Parameters<typeof ownerAccessOf>[0] & { revoked_at: string | null }): KeyState {
  if (row.revoked_at !== null) return "revoked";
  const access = ownerAccessOf(row);
  if (access === "deactivated") return "owner_deactivated";
  if (access === "none") return "owner_lost_access";
  return "active";
}
