import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { callWithKey } from "./support/requests.js";

let t: TestApp;
let behindProxy: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  behindProxy = await createTestApp({ env: { KEYWARD_TRUST_PROXY: "1" } });
});
afterAll(async () => {
  await t.close();
  await behindProxy.close();
});

/** Parses a Content-Security-Policy header into directive -> sources. */
function policyOf(response: LightMyRequestResponse): Map<string, string[]> {
  const header = response.headers["content-security-policy"];
  expect(header, `no CSP on ${response.statusCode} ${response.body.slice(0, 80)}`).toBeTypeOf("string");
  const policy = new Map<string, string[]>();
  for (const directive of String(header).split(";")) {
    const [name, ...sources] = directive.trim().split(/\s+/);
    if (name) policy.set(name, sources);
  }
  return policy;
}

function expectStrictPolicy(response: LightMyRequestResponse) {
  const policy = policyOf(response);
  expect(policy.get("default-src")).toEqual(["'self'"]);
  expect(policy.get("script-src")).toEqual(["'self'"]);
  expect(policy.get("object-src")).toEqual(["'none'"]);
  expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
  expect(policy.get("base-uri")).toEqual(["'self'"]);
  expect(policy.get("form-action")).toEqual(["'self'"]);
  const everything = [...policy.values()].flat();
  expect(everything).not.toContain("'unsafe-eval'");
  expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
  expect(response.headers["x-content-type-options"]).toBe("nosniff");
  expect(response.headers["x-frame-options"]).toBe("SAMEORIGIN");
  expect(response.headers["referrer-policy"]).toBe("no-referrer");
  expect(String(response.headers["strict-transport-security"])).toMatch(/max-age=\d{7,}/);
}

describe("security headers", () => {
  it("serves the console page at / with a content security policy that allows no inline script or framing", async () => {
    const response = await t.app.inject({ method: "GET", url: "/" });
    expect(response.statusCode).toBe(200);
    expectStrictPolicy(response);
  });

  it("sends the same policy on console API responses, successes and errors alike", async () => {
    const { admin } = await createTestAccount(t);
    expectStrictPolicy(await admin.request("GET", "/console/api/keys"));
    expectStrictPolicy(await t.app.inject({ method: "GET", url: "/console/api/session" }));
    expectStrictPolicy(await admin.request("POST", "/console/api/keys", { name: "" }));
  });

  it("sends the same policy on marketplace API responses, successes and errors alike", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateKey(admin);
    expectStrictPolicy(await callWithKey(t, key.secret, "/api/v1/key"));
    expectStrictPolicy(await t.app.inject({ method: "GET", url: "/api/v1/key" }));
    expectStrictPolicy(await t.app.inject({ method: "GET", url: "/api/v1/no-such-route" }));
  });

  it("tells caches never to keep the response that carries a new key's secret", async () => {
    const { admin } = await createTestAccount(t);
    const response = await admin.request("POST", "/console/api/keys", {
      name: "Cache test",
      permissions: { all: true },
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers["cache-control"]).toMatch(/no-store/);
  });

  it("asks browsers to upgrade sub-resources to https only on a request that came over https", async () => {
    const overHttps = await behindProxy.app.inject({
      method: "GET",
      url: "/",
      headers: { "x-forwarded-proto": "https" },
    });
    expectStrictPolicy(overHttps);
    expect(policyOf(overHttps).has("upgrade-insecure-requests")).toBe(true);
  });

  it("does not ask for an upgrade over plain http, where it would blank the console on a LAN name", async () => {
    for (const app of [t, behindProxy]) {
      const response = await app.app.inject({
        method: "GET",
        url: "/",
        headers: { host: "keyward.lan:3000" },
      });
      expectStrictPolicy(response);
      expect(policyOf(response).has("upgrade-insecure-requests")).toBe(false);
    }
  });

  it("ignores X-Forwarded-Proto from a client when no proxy is trusted", async () => {
    const response = await t.app.inject({
      method: "GET",
      url: "/",
      headers: { "x-forwarded-proto": "https" },
    });
    expectStrictPolicy(response);
    expect(policyOf(response).has("upgrade-insecure-requests")).toBe(false);
  });
});
