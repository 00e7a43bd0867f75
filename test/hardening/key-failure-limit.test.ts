import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { uniqueIp } from "./support/network.js";
import { callWithKey, malformedKeys, mistypedKey, unknownKey } from "./support/requests.js";
import { expectError } from "./support/responses.js";

// Default configuration: counters in this process's memory, KEYWARD_TRUST_PROXY off, 20 failures a minute.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const limit = 20;

/** Sends `count` failed verifications from `ip`, cycling through every kind of bad key; all must be 401. */
async function fail(ip: string, count: number, headers: () => Record<string, string> = () => ({})) {
  const revoked = await revokedKey();
  const bad = [...malformedKeys, unknownKey(), mistypedKey(revoked), revoked];
  for (let i = 0; i < count; i++) {
    const response = await callWithKey(t, bad[i % bad.length] ?? "", "/api/v1/key", {
      ip,
      headers: headers(),
    });
    expect(response.statusCode, response.body).toBe(401);
  }
}

/** Takes an address over the limit: 20 refusals with 401, then the 21st with 429. */
async function exhaust(ip: string) {
  await fail(ip, limit);
  expectError(await callWithKey(t, unknownKey(), "/api/v1/key", { ip }), 429, "rate_limited");
}

let revokedSecret: string | undefined;
async function revokedKey(): Promise<string> {
  if (revokedSecret) return revokedSecret;
  const { admin } = await createTestAccount(t);
  const key = await generateKey(admin);
  expect((await admin.request("POST", `/console/api/keys/${key.id}/revoke`)).statusCode).toBe(200);
  revokedSecret = key.secret;
  return key.secret;
}

describe("failed key verifications, counted per client address in memory", () => {
  it("answers 429 with Retry-After once an address has made 20 failed verifications in a minute", async () => {
    const ip = uniqueIp();
    await fail(ip, limit);
    const response = await callWithKey(t, unknownKey(), "/api/v1/key", { ip });
    expectError(response, 429, "rate_limited");
    const retryAfter = Number(response.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it("keeps refusing the blocked address before looking its keys up, whatever kind of key it sends", async () => {
    const ip = uniqueIp();
    await exhaust(ip);
    for (const key of [unknownKey(), ...malformedKeys, await revokedKey()]) {
      expectError(await callWithKey(t, key, "/api/v1/key", { ip }), 429, "rate_limited");
    }
  });

  it("still serves a valid cached key from an address that is over the limit", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateKey(admin);
    const ip = uniqueIp();
    expect((await callWithKey(t, key.secret, "/api/v1/key", { ip })).statusCode).toBe(200);
    await exhaust(ip);
    for (let i = 0; i < 5; i++) {
      const response = await callWithKey(t, key.secret, "/api/v1/key", { ip });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers["retry-after"]).toBeUndefined();
    }
  });

  it("serves a valid key that is not in the cache to an address over the limit, from the database", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateKey(admin);
    const ip = uniqueIp();
    await exhaust(ip);
    // A restart, a CLI write or the cache's maximum age empties the cache: the key must still work.
    t.cache.clear();
    await t.verifier.rebuildKnownKeys();
    const response = await callWithKey(t, key.secret, "/api/v1/key", { ip });
    expect(response.statusCode, response.body).toBe(200);
  });

  it("answers an address over the limit without the database for keys that don't exist", async () => {
    const ip = uniqueIp();
    await exhaust(ip);
    await t.verifier.rebuildKnownKeys();
    const readsBefore = t.verifier.outcomes.databaseReads;
    for (let i = 0; i < 50; i++) {
      expectError(await callWithKey(t, unknownKey(), "/api/v1/key", { ip }), 429, "rate_limited");
    }
    expect(t.verifier.outcomes.databaseReads - readsBefore).toBe(0);
  });

  it("reads at most 20 unknown keys from the database when 400 arrive from one address at once", async () => {
    const ip = uniqueIp();
    await t.verifier.rebuildKnownKeys();
    const readsBefore = t.verifier.outcomes.databaseReads;
    const responses = await Promise.all(
      Array.from({ length: 400 }, () => callWithKey(t, unknownKey(), "/api/v1/key", { ip })),
    );
    const reads = t.verifier.outcomes.databaseReads - readsBefore;
    expect(reads).toBe(limit);
    expect(responses.filter((response) => response.statusCode === 401)).toHaveLength(limit);
    expect(responses.filter((response) => response.statusCode === 429)).toHaveLength(400 - limit);
  });

  it("leaves a different address unaffected", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateKey(admin);
    const blocked = uniqueIp();
    await exhaust(blocked);
    const other = uniqueIp();
    expectError(await callWithKey(t, unknownKey(), "/api/v1/key", { ip: other }), 401, "invalid_api_key");
    expect((await callWithKey(t, key.secret, "/api/v1/key", { ip: other })).statusCode).toBe(200);
  });

  it("ignores X-Forwarded-For when trustProxy is off, so rotating the header does not reset the count", async () => {
    const ip = uniqueIp();
    await fail(ip, limit, () => ({ "x-forwarded-for": uniqueIp() }));
    const response = await callWithKey(t, unknownKey(), "/api/v1/key", {
      ip,
      headers: { "x-forwarded-for": uniqueIp() },
    });
    expectError(response, 429, "rate_limited");
  });

  it("does not count a missing key as a failed verification", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < limit + 5; i++) {
      const response = await t.app.inject({ method: "GET", url: "/api/v1/key", remoteAddress: ip });
      expectError(response, 401, "missing_api_key");
    }
    expectError(await callWithKey(t, unknownKey(), "/api/v1/key", { ip }), 401, "invalid_api_key");
  });
});
