import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

/** The Redis the suite shares with other engineers' runs (KEYWARD_TEST_REDIS, else the local one). */
export const testRedisUrl = process.env.KEYWARD_TEST_REDIS ?? "redis://127.0.0.1:6379";

/**
 * The environment for an app whose counters live in the shared Redis under a key prefix of this test
 * file's own, so concurrent runs never count each other's attempts; `clear` deletes its keys.
 */
export function redisCountersForThisFile(): { env: Record<string, string>; clear(): Promise<void> } {
  const prefix = `keyward-test:${randomBytes(6).toString("hex")}:`;
  return {
    // A generous timeout: these tests are about sharing counters, and on a busy CI machine a Redis round
    // trip can exceed the production default, which would (correctly) fall back to local counting.
    env: {
      KEYWARD_REDIS_URL: testRedisUrl,
      KEYWARD_REDIS_KEY_PREFIX: prefix,
      KEYWARD_REDIS_TIMEOUT_MS: "5000",
    },
    async clear() {
      const redis = new Redis(testRedisUrl);
      try {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  };
}
