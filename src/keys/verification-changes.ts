import type { KeyCache } from "./key-cache.js";

/**
 * Announces changes that affect key verification. Operations await these after their transaction
 * commits and before they return, so no instance serves the old answer afterwards. With PostgreSQL the
 * implementation also notifies every other instance and waits for each to acknowledge
 * (src/db/notification-acks.ts).
 */
export interface VerificationChanges {
  keyChanged(keyId: string): Promise<void>;
  ownerChanged(userId: string): Promise<void>;
}

/** Invalidation for a single process: drop the entries from this instance's cache. */
export function localVerificationChanges(cache: KeyCache): VerificationChanges {
  return {
    keyChanged: async (keyId) => cache.invalidateKey(keyId),
    ownerChanged: async (userId) => cache.invalidateOwner(userId),
  };
}

/** For tools that have no cache of their own (the CLI): nothing to drop locally. */
export const noLocalCache: VerificationChanges = {
  keyChanged: async () => {},
  ownerChanged: async () => {},
};
