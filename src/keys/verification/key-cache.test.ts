import { describe, expect, it } from "vitest";
import { generateKey, hashKey } from "../key-format.js";
import { type CachedKey, digestOfKey, hexOfDigest, KeyCache } from "./key-cache.js";
import { unknownEntry } from "./read-key.js";

function entry(keyId: string, ownerUserId: string): CachedKey {
  return {
    ...unknownEntry(),
    state: "active",
    key: {
      id: keyId,
      accountId: "acc_1",
      ownerUserId,
      name: keyId,
      permissions: { all: true },
      expiresAt: null,
      previousSecretValidUntil: null,
    },
  };
}

describe("KeyCache", () => {
  it("is keyed by a 32-character digest whose hex form is the hash the database stores", () => {
    const { secret, hash } = generateKey();
    const digest = digestOfKey(secret);
    expect(digest).toHaveLength(32);
    expect(hexOfDigest(digest)).toBe(hash);
    expect(hexOfDigest(digest)).toBe(hashKey(secret));
    expect(digestOfKey(generateKey().secret)).not.toBe(digest);
  });

  it("drops an entry when its key is invalidated", () => {
    const cache = new KeyCache({ maxEntries: 10, maxAgeMs: 60_000 });
    cache.set("h1", entry("key_1", "usr_1"), cache.generation);
    cache.invalidateKey("key_1");
    expect(cache.get("h1", Date.now())).toBeUndefined();
  });

  it("drops both secrets of a rolled key when the key is invalidated", () => {
    const cache = new KeyCache({ maxEntries: 10, maxAgeMs: 60_000 });
    cache.set("old", entry("key_1", "usr_1"), cache.generation);
    cache.set("new", entry("key_1", "usr_1"), cache.generation);
    cache.invalidateKey("key_1");
    expect(cache.get("old", Date.now())).toBeUndefined();
    expect(cache.get("new", Date.now())).toBeUndefined();
  });

  it("drops every key of an owner when the owner is invalidated, and only theirs", () => {
    const cache = new KeyCache({ maxEntries: 10, maxAgeMs: 60_000 });
    cache.set("h1", entry("key_1", "usr_1"), cache.generation);
    cache.set("h2", entry("key_2", "usr_1"), cache.generation);
    cache.set("h3", entry("key_3", "usr_2"), cache.generation);
    cache.invalidateOwner("usr_1");
    expect(cache.get("h1", Date.now())).toBeUndefined();
    expect(cache.get("h2", Date.now())).toBeUndefined();
    expect(cache.get("h3", Date.now())?.key?.id).toBe("key_3");
  });

  it("refuses to store a read that started before an invalidation (no stale re-caching)", () => {
    const cache = new KeyCache({ maxEntries: 10, maxAgeMs: 60_000 });
    const generationAtRead = cache.generation;
    cache.invalidateKey("key_1");
    cache.set("h1", entry("key_1", "usr_1"), generationAtRead);
    expect(cache.get("h1", Date.now())).toBeUndefined();
  });

  it("never holds more than its maximum number of entries", () => {
    const cache = new KeyCache({ maxEntries: 3, maxAgeMs: 60_000 });
    for (let i = 0; i < 10; i++) cache.set(`h${i}`, entry(`key_${i}`, "usr_1"), cache.generation);
    expect(cache.size).toBe(3);
    expect(cache.get("h9", Date.now())).toBeDefined();
    expect(cache.get("h0", Date.now())).toBeUndefined();
  });

  it("expires entries older than the maximum age", () => {
    const cache = new KeyCache({ maxEntries: 10, maxAgeMs: 1_000 });
    cache.set("h1", entry("key_1", "usr_1"), cache.generation);
    expect(cache.get("h1", Date.now() + 2_000)).toBeUndefined();
  });

  it("serves nothing while untrusted", () => {
    const cache = new KeyCache({ maxEntries: 10, maxAgeMs: 60_000 });
    cache.set("h1", entry("key_1", "usr_1"), cache.generation);
    cache.setTrusted(false);
    expect(cache.get("h1", Date.now())).toBeUndefined();
  });
});
