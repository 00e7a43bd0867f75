import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callApi, createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function scrape(): Promise<string> {
  const response = await t.app.inject({ url: "/metrics" });
  expect(response.statusCode).toBe(200);
  expect(response.headers["content-type"]).toContain("text/plain");
  return response.body;
}

function sample(text: string, series: string): number {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe("GET /metrics", () => {
  it("counts verifications by outcome, and cache hits and misses", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, { all: false, sections: { reporting: "read" } });
    const revoked = await generateKey(account.admin);
    await account.admin.request("POST", `/console/api/keys/${revoked.id}/revoke`);
    const before = await scrape();

    await callApi(t, key.secret, "/api/v1/key");
    await callApi(t, key.secret, "/api/v1/key");
    await callApi(t, key.secret, "/api/v1/orders");
    await callApi(t, revoked.secret, "/api/v1/key");
    await callApi(t, "mpk_not-a-key", "/api/v1/key");
    await t.app.inject({ url: "/api/v1/key" });
    const after = await scrape();

    const delta = (series: string) => sample(after, series) - sample(before, series);
    const outcome = (name: string) => delta(`keyward_key_verifications_total{outcome="${name}"}`);
    expect(outcome("active")).toBe(2);
    expect(outcome("insufficient_permissions")).toBe(1);
    expect(outcome("revoked")).toBe(1);
    expect(outcome("invalid")).toBe(1);
    expect(outcome("missing")).toBe(1);
    // Misses: the key's first use and the revoked key's; the malformed and missing keys never reach the cache.
    expect(delta("keyward_key_cache_hits_total")).toBe(2);
    expect(delta("keyward_key_cache_misses_total")).toBe(2);
    expect(sample(after, "keyward_key_cache_trusted")).toBe(1);
  });

  it("times requests by route template and status, never by the concrete URL", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    await callApi(t, key.secret, "/api/v1/key");
    await account.admin.request("GET", `/console/api/keys/${key.id}`);
    const text = await scrape();
    expect(text).toMatch(
      /^keyward_http_request_duration_seconds_count\{route="\/api\/v1\/key",method="GET",status_code="200"\} [1-9]/m,
    );
    expect(text).toContain('route="/console/api/keys/:id"');
    expect(text).not.toContain(key.id);
    expect(text).not.toContain(key.secret);
  });
});
