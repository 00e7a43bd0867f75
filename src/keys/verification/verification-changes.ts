import type { VerificationCacheControl } from "./key-cache.js";

/**
 * Announces changes that affect key verification. Operations await these after their transaction
 * commits and before they return, so no instance serves the old answer afterwards. With PostgreSQL the
 * implementation also notifies every other instance and waits for each to acknowledge
 * (src/db/notifications/).
 */
export interface VerificationChanges {
  keyChanged(keyId: string): Promise<void>;
  ownerChanged(userId: string): Promise<void>;
  /** A new key or rolled secret: every instance learns its hash exists before the secret is shown. */
  keyCreated(hash: string): Promise<void>;
}

/** Invalidation for a single process: drop the entries from this instance's cache. */
export function localVerificationChanges(cache: VerificationCacheControl): VerificationChanges {
  return {
    keyChanged: async (keyId) => cache.invalidateKey(keyId),
    ownerChanged: async (userId) => cache.invalidateOwner(userId),
    keyCreated: async (hash) => cache.keyCreated(hash),
  };
}

/** For tools that have no cache of their own (the CLI): nothing to drop locally. */
export const noLocalCache: VerificationChanges = {
  keyChanged: async () => {},
  ownerChanged: async () => {},
  keyCreated: async () => {},
};
