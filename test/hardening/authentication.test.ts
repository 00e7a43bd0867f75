import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csrfTokenFor, isValidCsrfToken, newSessionToken } from "../../src/sessions/sessions.js";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { uniqueIp } from "./support/network.js";
import { callWithKey, malformedKeys, mistypedKey, unknownKey } from "./support/requests.js";
import { expectError } from "./support/responses.js";
import { fillPath, isConsoleRoute, isMarketplaceRoute, routeKey } from "./support/routes.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

// Ids that exist nowhere: authentication must refuse before anything is looked up.
const nowhere = {
  keys: "key_x",
  users: "usr_x",
  orders: "ord_x",
  products: "prd_x",
  sellers: "sel_x",
  sessions: "ses_x",
  webhooks: "whk_x",
  canaries: "key_x",
  inbox: "ntf_x",
  "service-tokens": "svt_x",
};

describe("API key authentication", () => {
  it("answers a well-formed key with a valid checksum that was never issued exactly like a mistyped one", async () => {
    const { admin } = await createTestAccount(t);
    const real = await generateKey(admin);
    const ip = uniqueIp();
    const unknown = expectError(
      await callWithKey(t, unknownKey(), "/api/v1/key", { ip }),
      401,
      "invalid_api_key",
    );
    const mistyped = expectError(
      await callWithKey(t, mistypedKey(real.secret), "/api/v1/key", { ip }),
      401,
      "invalid_api_key",
    );
    expect(unknown.message).toBe(mistyped.message);
    for (const malformed of malformedKeys) {
      const error = expectError(
        await callWithKey(t, malformed, "/api/v1/key", { ip }),
        401,
        "invalid_api_key",
      );
      expect(error.message).toBe(unknown.message);
    }
  });

  it("refuses a missing, unknown, mistyped or revoked key on every marketplace route before validating anything", async () => {
    const { admin } = await createTestAccount(t);
    const revoked = await generateKey(admin);
    expect((await admin.request("POST", `/console/api/keys/${revoked.id}/revoke`)).statusCode).toBe(200);
    const routes = t.routes.filter(isMarketplaceRoute);
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      const url = fillPath(route, nowhere);
      const method = route.method as "GET";
      // A body the schema would refuse: authentication must answer first, so it reveals nothing.
      const payload = route.method === "GET" ? undefined : { unexpected: "<script>" };
      const missing = await t.app.inject({
        method,
        url,
        ...(payload ? { payload } : {}),
        remoteAddress: uniqueIp(),
      });
      expectError(missing, 401, "missing_api_key");
      const cases: [string, string][] = [
        [unknownKey(), "invalid_api_key"],
        [mistypedKey(revoked.secret), "invalid_api_key"],
        [revoked.secret, "revoked_api_key"],
      ];
      for (const [key, code] of cases) {
        const response = await callWithKey(t, key, url, { method, payload, ip: uniqueIp() });
        expect(response.statusCode, `${routeKey(route)}: ${response.body}`).toBe(401);
        expectError(response, 401, code);
      }
    }
  });

  it("accepts the key from Authorization: Bearer or X-Api-Key, and nowhere else", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateKey(admin);
    const ip = uniqueIp();
    const accepted = [
      { authorization: `Bearer ${key.secret}` },
      { authorization: `bearer ${key.secret}` },
      { "x-api-key": key.secret },
    ];
    for (const headers of accepted) {
      expect(
        (await t.app.inject({ method: "GET", url: "/api/v1/key", headers, remoteAddress: ip })).statusCode,
      ).toBe(200);
    }
    const refused = [
      { url: `/api/v1/key?api_key=${key.secret}`, headers: {} },
      {
        url: "/api/v1/key",
        headers: { authorization: `Basic ${Buffer.from(`${key.secret}:`).toString("base64")}` },
      },
      { url: "/api/v1/key", headers: { authorization: key.secret } },
      { url: "/api/v1/key", headers: { cookie: `api_key=${key.secret}` } },
    ];
    for (const { url, headers } of refused) {
      const response = await t.app.inject({ method: "GET", url, headers, remoteAddress: ip });
      expect(response.statusCode, `${url} ${JSON.stringify(headers).slice(0, 40)}`).toBe(401);
    }
  });

  it("refuses the key of a Manager whose API access was removed with api_access_disabled", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager);
    expect((await callWithKey(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
    expect(
      (await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`)).statusCode,
    ).toBe(200);
    expectError(
      await callWithKey(t, key.secret, "/api/v1/key", { ip: uniqueIp() }),
      401,
      "api_access_disabled",
    );
  });
});

describe("console authentication", () => {
  it("refuses every non-public console route without a session", async () => {
    const routes = t.routes.filter((route) => isConsoleRoute(route) && !route.isPublic);
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      const response = await t.app.inject({ method: route.method as "GET", url: fillPath(route, nowhere) });
      expect(response.statusCode, routeKey(route)).toBe(401);
      expectError(response, 401, "not_signed_in");
    }
  });

  it("lists exactly the routes that are public: sign-in, the catalogues and leak reports", () => {
    const publicRoutes = t.routes
      .filter((route) => route.isPublic)
      .map(routeKey)
      .sort();
    expect(publicRoutes).toEqual([
      "GET /console/api/catalogue",
      "GET /console/api/sections",
      // Leak reports: anyone may report a key (always 202), and GitHub signs its own.
      "POST /api/v1/leaked-keys",
      "POST /console/api/session",
      "POST /secret-scanning/github",
    ]);
  });
});

describe("constant-time comparison of secrets", () => {
  it("accepts only the session's own CSRF token, whatever its length", () => {
    const { token } = newSessionToken();
    const expected = csrfTokenFor(token);
    expect(isValidCsrfToken(token, expected)).toBe(true);
    expect(isValidCsrfToken(token, csrfTokenFor(newSessionToken().token))).toBe(false);
    expect(isValidCsrfToken(token, expected.slice(0, -1))).toBe(false);
    expect(isValidCsrfToken(token, `${expected}=`)).toBe(false);
    expect(isValidCsrfToken(token, "")).toBe(false);
    expect(isValidCsrfToken(token, "é".repeat(expected.length))).toBe(false);
  });

  it("compares no secret with == or === anywhere in src/ (CSRF uses timingSafeEqual; keys and sessions are found by SHA-256)", () => {
    const secretName = /\b\w*(token|secret|password|csrf|presented|apikey)\w*\b/i;
    const comparison = /([\w.[\]"']+)\s*(?:===|!==|==|!=)\s*([\w.[\]"']+)/g;
    const harmless = /^(null|undefined|""|''|\d+|true|false|typeof|"string"|"object"|"user"|"operator")$/;
    const findings: string[] = [];
    for (const file of sourceFiles("src")) {
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, index) => {
        for (const [, left = "", right = ""] of line.matchAll(comparison)) {
          const sides = [left, right];
          if (sides.some((side) => harmless.test(side)) || /\.length$/.test(left)) continue;
          // An id (`tokenId`) names a secret, it isn't one; comparing a field with a literal (`"revoked"`) isn't either.
          if (sides.some((side) => /^["'][\w-]*["']$/.test(side))) continue;
          if (sides.some((side) => secretName.test(side) && !/Id$/.test(side)))
            findings.push(`${relative(".", file)}:${index + 1}: ${line.trim()}`);
        }
      });
    }
    expect(findings).toEqual([]);
    const sessions = readFileSync("src/sessions/sessions.ts", "utf8");
    expect(sessions).toMatch(/timingSafeEqual\(expected, actual\)/);
  });
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}
