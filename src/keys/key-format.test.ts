import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateKey, hashKey, isWellFormedKey, keyLength, keyPattern } from "./key-format.js";

describe("key format", () => {
  it("generates mpk_ keys with a checksum that secret scanners can match", () => {
    const { secret, hint, hash } = generateKey();
    expect(secret).toHaveLength(keyLength);
    expect(secret.startsWith("mpk_")).toBe(true);
    expect(keyPattern.test(`token=${secret};`)).toBe(true);
    expect(isWellFormedKey(secret)).toBe(true);
    expect(hint).toBe(`mpk_…${secret.slice(-4)}`);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("stores SHA-256 of the whole key, as a scanner or an auditor would compute it", () => {
    // Known vectors (FIPS 180-2 "abc", and a fixed key-shaped string checked with `sha256sum`).
    expect(hashKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(hashKey("mpk_0000000000000000000000000000000000000000")).toBe(
      "645937d8649cb3ffbb20edb4efeb3eb1ff4a4c7dc23b4eadb1514be84dfbfcf6",
    );
    const { secret, hash } = generateKey();
    expect(hash).toBe(createHash("sha256").update(secret).digest("hex"));
  });

  it("never generates the same key twice in 10,000 draws", () => {
    const seen = new Set(Array.from({ length: 10_000 }, () => generateKey().secret));
    expect(seen.size).toBe(10_000);
  });

  it("rejects every single-character typo through the checksum", () => {
    const { secret } = generateKey();
    const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    fc.assert(
      fc.property(fc.integer({ min: 4, max: keyLength - 1 }), fc.constantFrom(...alphabet), (index, char) => {
        fc.pre(secret[index] !== char);
        const typo = secret.slice(0, index) + char + secret.slice(index + 1);
        expect(isWellFormedKey(typo)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects truncated, padded, wrongly prefixed and non-base62 keys", () => {
    const { secret } = generateKey();
    for (const candidate of [
      secret.slice(0, -1),
      `${secret}x`,
      `sk_${secret.slice(3)}`,
      `${secret.slice(0, 10)}-${secret.slice(11)}`,
      "",
      " ".repeat(keyLength),
    ]) {
      expect(isWellFormedKey(candidate), candidate).toBe(false);
    }
  });
});
