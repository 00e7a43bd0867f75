import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeywardVerifier, type KeywardVerifier } from "../../packages/verify/src/verifier.js";
import { buildGateway } from "../../src/gateway/gateway.js";
import {
  type GatewayConfig,
  gatewayConfigSchema,
  resolveGatewayConfig,
} from "../../src/gateway/gateway-config.js";
import { signIdentity, verifyIdentitySignature } from "../../src/gateway/signature.js";
import { ConfigFileError, parseYamlWithSchema } from "../../src/shared/yaml-file.js";
import { createServiceToken, listen } from "../service/support.js";
import { createTestAccount, generateKey, type TestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

const signingSecret = "an-upstream-signing-secret-of-32-characters-or-more";

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
  isSigned: boolean;
}

/** The upstream: records every request it receives and checks the gateway's signature as the README shows. */
async function startUpstream(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8").on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => {
      const entry = {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body,
        isSigned: verifyIdentitySignature(signingSecret, {
          method: request.method ?? "",
          url: request.url ?? "",
          headers: request.headers,
        }),
      };
      received.push(entry);
      if (request.url?.startsWith("/slow")) return; // never answers: the gateway times out
      if (request.url?.startsWith("/broken")) return request.socket.destroy();
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ upstream: true, url: request.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}

let t: TestApp;
let account: TestAccount;
let verifier: KeywardVerifier;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let gateway: FastifyInstance;

beforeAll(async () => {
  t = await createTestApp({ env: { KEYWARD_KEY_FAILURES_PER_MINUTE: "100000" } });
  const keywardUrl = await listen(t);
  account = await createTestAccount(t);
  const token = await createServiceToken(account.admin, "gateway");
  upstream = await startUpstream();
  const file = gatewayConfigSchema.parse({
    upstream: upstream.url,
    keyward: { url: keywardUrl },
    timeoutSeconds: 1,
    routes: [
      { method: "GET", path: "/reports/*", permission: "reporting:read" },
      { method: ["POST", "PATCH"], path: "/orders/:id", permission: "orders:write" },
      { method: "*", path: "/slow", permission: "any" },
      { method: "*", path: "/broken", permission: "any" },
    ],
  });
  const config: GatewayConfig = resolveGatewayConfig(file, {
    KEYWARD_SERVICE_TOKEN: token.secret,
    KEYWARD_GATEWAY_SIGNING_SECRET: signingSecret,
  });
  verifier = createKeywardVerifier({ url: keywardUrl, serviceToken: token.secret });
  await verifier.ready();
  gateway = await buildGateway({ config, verifier, logLevel: "silent" });
  await gateway.ready();
});
afterAll(async () => {
  await gateway.close();
  verifier.close();
  await new Promise((resolve) => upstream.server.close(resolve));
  await t.close();
});

describe("The gateway", () => {
  it("forwards a request with a valid key and signed identity headers the upstream can check", async () => {
    const key = await generateKey(account.admin, {
      all: false,
      sections: { reporting: "read", orders: "write" },
    });
    const response = await gateway.inject({
      method: "GET",
      url: "/reports/sales?from=2026-01-01",
      headers: { authorization: `Bearer ${key.secret}` },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ upstream: true, url: "/reports/sales?from=2026-01-01" });
    const seen = upstream.received.at(-1);
    expect(seen?.isSigned).toBe(true);
    expect(seen?.headers).toMatchObject({
      "x-keyward-key-id": key.id,
      "x-keyward-account-id": account.accountId,
      "x-keyward-permissions": "orders:write,reporting:read",
    });
    // The key itself stays at the gateway.
    expect(seen?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(seen?.headers)).not.toContain(key.secret);
  });

  it("strips identity headers the client sent, so they can't be spoofed", async () => {
    const key = await generateKey(account.admin, { all: true });
    const response = await gateway.inject({
      method: "POST",
      url: "/orders/ord_1",
      headers: {
        "x-api-key": key.secret,
        "x-keyward-key-id": "key_SPOOFED",
        "x-keyward-account-id": "acc_SPOOFED",
        "x-keyward-permissions": "all",
        "x-keyward-signature": "t=1,v1=00",
        "x-keyward-anything": "spoofed",
      },
      payload: { status: "fulfilled" },
    });
    expect(response.statusCode, response.body).toBe(200);
    const seen = upstream.received.at(-1);
    expect(seen?.headers["x-keyward-key-id"]).toBe(key.id);
    expect(seen?.headers["x-keyward-account-id"]).toBe(account.accountId);
    expect(seen?.headers["x-keyward-anything"]).toBeUndefined();
    expect(seen?.isSigned).toBe(true);
    expect(JSON.parse(seen?.body ?? "")).toEqual({ status: "fulfilled" });
  });

  it("never forwards a request without a valid key, with the permission, on a route it has a rule for", async () => {
    const readOnly = await generateKey(account.admin, { all: false, sections: { reporting: "read" } });
    const revoked = await generateKey(account.admin, { all: true });
    await account.admin.request("POST", `/console/api/keys/${revoked.id}/revoke`);
    const before = upstream.received.length;
    const cases = [
      [{ method: "GET", url: "/reports/sales" }, 401, "missing_api_key"],
      [
        { method: "GET", url: "/reports/sales", key: "mpk_notakeyatallnotakeyatallnotakeyat" },
        401,
        "invalid_api_key",
      ],
      [{ method: "GET", url: "/reports/sales", key: revoked.secret }, 401, "revoked_api_key"],
      [{ method: "POST", url: "/orders/ord_1", key: readOnly.secret }, 403, "insufficient_permissions"],
      [{ method: "GET", url: "/admin/users", key: readOnly.secret }, 404, "not_found"],
      [{ method: "DELETE", url: "/orders/ord_1", key: readOnly.secret }, 404, "not_found"],
    ] as const;
    for (const [request, status, code] of cases) {
      const response = await gateway.inject({
        method: request.method,
        url: request.url,
        headers: "key" in request ? { authorization: `Bearer ${request.key}` } : {},
      });
      expect(response.statusCode, `${request.method} ${request.url}`).toBe(status);
      expect(response.json()).toMatchObject({
        error: { code, message: expect.any(String), requestId: expect.any(String) },
      });
    }
    expect(upstream.received.length).toBe(before);
  });

  it("refuses WebSocket upgrades rather than passing them through", async () => {
    const key = await generateKey(account.admin, { all: true });
    const before = upstream.received.length;
    const response = await gateway.inject({
      method: "GET",
      url: "/reports/live",
      headers: { authorization: `Bearer ${key.secret}`, connection: "upgrade", upgrade: "websocket" },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: "invalid_request" } });
    expect(upstream.received.length).toBe(before);
  });

  it("answers an upstream that fails or doesn't answer in Keyward's error shape", async () => {
    const key = await generateKey(account.admin, { all: true });
    const headers = { authorization: `Bearer ${key.secret}` };
    const broken = await gateway.inject({ method: "GET", url: "/broken", headers });
    expect(broken.statusCode).toBe(502);
    expect(broken.json()).toMatchObject({ error: { code: "bad_gateway", requestId: expect.any(String) } });
    const slow = await gateway.inject({ method: "GET", url: "/slow", headers });
    expect(slow.statusCode).toBe(504);
    expect(slow.json()).toMatchObject({ error: { code: "gateway_timeout", requestId: expect.any(String) } });
  });
});

describe("An upstream checking the signature", () => {
  it("refuses headers signed with another secret, for another path, or long ago", () => {
    const identity = {
      "x-keyward-key-id": "key_1",
      "x-keyward-account-id": "acc_1",
      "x-keyward-permissions": "all",
    };
    const now = Date.now();
    const sign = (secret: string, url: string, at: number) =>
      signIdentity(secret, "GET", url, { keyId: "key_1", accountId: "acc_1", permissions: "all" }, at);
    const request = (signature: string, url = "/a", extra: Record<string, string> = {}) => ({
      method: "GET",
      url,
      headers: { ...identity, "x-keyward-signature": signature, ...extra },
    });
    const good = sign(signingSecret, "/a", now);
    expect(verifyIdentitySignature(signingSecret, request(good))).toBe(true);
    expect(
      verifyIdentitySignature(signingSecret, request(sign("another-secret-another-secret-1234", "/a", now))),
    ).toBe(false);
    expect(verifyIdentitySignature(signingSecret, request(good, "/b"))).toBe(false);
    expect(verifyIdentitySignature(signingSecret, request(sign(signingSecret, "/a", now - 3_600_000)))).toBe(
      false,
    );
    expect(
      verifyIdentitySignature(
        signingSecret,
        request(good, "/a", { "x-keyward-permissions": "orders:write" }),
      ),
    ).toBe(false);
  });
});

describe("The gateway's configuration", () => {
  it("names the line and field of each mistake, and changes nothing", () => {
    const text = [
      "upstream: not a url",
      "keyward:",
      "  url: http://127.0.0.1:3000",
      "routes:",
      "  - method: GET",
      "    path: reports",
      "    permission: reporting",
    ].join("\n");
    expect(() => parseYamlWithSchema(text, "gateway.yaml", gatewayConfigSchema)).toThrowError(
      ConfigFileError,
    );
    try {
      parseYamlWithSchema(text, "gateway.yaml", gatewayConfigSchema);
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain("line 1, upstream:");
      expect(message).toContain("line 6, routes[0].path: must start with /");
      expect(message).toContain("line 7, routes[0].permission:");
    }
  });

  it("refuses to start without the service token and a long enough signing secret in the environment", () => {
    const file = gatewayConfigSchema.parse({
      upstream: "http://127.0.0.1:9000",
      keyward: { url: "http://127.0.0.1:3000" },
      routes: [{ method: "GET", path: "/x", permission: "any" }],
    });
    expect(() => resolveGatewayConfig(file, { KEYWARD_GATEWAY_SIGNING_SECRET: "short" })).toThrowError(
      /KEYWARD_SERVICE_TOKEN.*KEYWARD_GATEWAY_SIGNING_SECRET/,
    );
  });
});
