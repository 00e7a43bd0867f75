import type { AddressInfo } from "node:net";
import express from "express";
import Fastify, { type FastifyInstance } from "fastify";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keywardExpress } from "../../packages/verify/src/adapters/express.js";
import { keywardFastify } from "../../packages/verify/src/adapters/fastify.js";
import { keywardHono } from "../../packages/verify/src/adapters/hono.js";
import type { KeywardKey } from "../../packages/verify/src/answers.js";
import { createKeywardVerifier, type KeywardVerifier } from "../../packages/verify/src/verifier.js";
import { createTestAccount, generateKey, type TestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createServiceToken, listen, waitFor } from "./support.js";

let t: TestApp;
let keywardUrl: string;
let account: TestAccount;
let token: string;
beforeAll(async () => {
  // Every revoked key refused here is a failure from 127.0.0.1; the default budget (20/min) would turn
  // the later rounds into 429s.
  t = await createTestApp({ env: { KEYWARD_KEY_FAILURES_PER_MINUTE: "100000" } });
  keywardUrl = await listen(t);
  account = await createTestAccount(t);
  token = (await createServiceToken(account.admin)).secret;
});
afterAll(async () => t.close());

/** A real Fastify service protected by the adapter: GET /reports needs reporting:read. */
async function fastifyService(verifier: KeywardVerifier): Promise<{ url: string; app: FastifyInstance }> {
  const app = Fastify();
  app.decorateRequest("keyward", undefined);
  app.get(
    "/reports",
    { onRequest: keywardFastify(verifier, { permission: "reporting:read" }) },
    async (request) => ({
      keyId: (request as unknown as { keyward: KeywardKey }).keyward.id,
    }),
  );
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, app };
}

/** The same service in Express. */
async function expressService(verifier: KeywardVerifier): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.get("/reports", keywardExpress(verifier, { permission: "reporting:read" }), (request, response) => {
    response.json({ keyId: (request as unknown as { keyward: KeywardKey }).keyward.id });
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function get(url: string, key: string | undefined) {
  const response = await fetch(url, { headers: key === undefined ? {} : { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function revoke(keyId: string): Promise<void> {
  const response = await account.admin.request("POST", `/console/api/keys/${keyId}/revoke`);
  expect(response.statusCode, response.body).toBe(200);
}

describe.each([
  ["Fastify", fastifyService, (s: Awaited<ReturnType<typeof fastifyService>>) => s.app.close()],
  ["Express", expressService, (s: Awaited<ReturnType<typeof expressService>>) => s.close()],
] as const)("The verify middleware in a real %s app", (_name, start, stop) => {
  let verifier: KeywardVerifier;
  let service: { url: string };
  beforeAll(async () => {
    verifier = createKeywardVerifier({ url: keywardUrl, serviceToken: token, cacheSize: 1000 });
    await verifier.ready();
    service = await start(verifier);
  });
  afterAll(async () => {
    await stop(service as never);
    verifier.close();
  });

  it("rejects a key on the very next request after a console revoke, with the cache warm, 10 of 10 rounds", async () => {
    for (let round = 1; round <= 10; round++) {
      const key = await generateKey(account.admin, { all: false, sections: { reporting: "read" } });
      expect(await get(`${service.url}/reports`, key.secret)).toEqual({
        status: 200,
        body: { keyId: key.id },
      });
      const hits = verifier.stats.cacheHits;
      expect((await get(`${service.url}/reports`, key.secret)).status).toBe(200);
      expect(verifier.stats.cacheHits, `round ${round}: the second request is answered from the cache`).toBe(
        hits + 1,
      );
      await revoke(key.id);
      const after = await get(`${service.url}/reports`, key.secret);
      expect(after.status, `round ${round}`).toBe(401);
      expect(after.body).toMatchObject({ error: { code: "revoked_api_key" } });
    }
  });

  it("answers a missing key, a key without the permission and an unknown key in Keyward's error shape", async () => {
    const ordersOnly = await generateKey(account.admin, { all: false, sections: { orders: "read" } });
    const cases = [
      [undefined, 401, "missing_api_key"],
      [ordersOnly.secret, 403, "insufficient_permissions"],
      ["mpk_notakeyatallnotakeyatallnotakeyat", 401, "invalid_api_key"],
    ] as const;
    for (const [key, status, code] of cases) {
      const answer = await get(`${service.url}/reports`, key);
      expect(answer.status).toBe(status);
      expect(answer.body).toMatchObject({
        error: { code, message: expect.any(String), requestId: expect.any(String) },
      });
    }
  });
});

describe("A verifier that loses the change stream", () => {
  it("verifies remotely until it is back, so a revoke made meanwhile is seen at once", async () => {
    const verifier = createKeywardVerifier({ url: keywardUrl, serviceToken: token, cacheSize: 1000 });
    await verifier.ready();
    const service = await fastifyService(verifier);
    try {
      const key = await generateKey(account.admin, { all: true });
      await get(`${service.url}/reports`, key.secret);
      expect((await get(`${service.url}/reports`, key.secret)).status).toBe(200);
      expect(verifier.stats.cacheHits).toBe(1);
      // Keyward ends every stream (as on shutdown or a cut-off); the revoke then waits for nobody.
      t.changeStream.close();
      await waitFor(() => !verifier.stats.isStreaming);
      await revoke(key.id);
      const remote = verifier.stats.remoteVerifications;
      const after = await get(`${service.url}/reports`, key.secret);
      expect(after.body).toMatchObject({ error: { code: "revoked_api_key" } });
      expect(verifier.stats.remoteVerifications).toBe(remote + 1);
      // It reconnects on its own and caches again.
      await verifier.ready(10_000);
      const fresh = await generateKey(account.admin, { all: true });
      await get(`${service.url}/reports`, fresh.secret);
      await get(`${service.url}/reports`, fresh.secret);
      expect(verifier.stats.cacheHits).toBe(2);
    } finally {
      await service.app.close();
      verifier.close();
    }
  });

  it("is cut off when it doesn't acknowledge within a second, and the revoke still returns", async () => {
    const controller = new AbortController();
    const response = await fetch(`${keywardUrl}/service/v1/changes`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    while (!text.includes("event: ready")) text += decoder.decode((await reader.read()).value);
    const key = await generateKey(account.admin, { all: true });
    await revoke(key.id);
    // The silent subscriber got the change, and then its stream ended.
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value);
    }
    expect(text).toContain(`"kind":"key","id":"${key.id}"`);
    expect(t.changeStream.subscriberCount).toBe(0);
  });

  it("refuses a change stream without a valid service token, and ends a revoked token's streams", async () => {
    const refused = await fetch(`${keywardUrl}/service/v1/changes`, {
      headers: { authorization: "Bearer kws_nope" },
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: "invalid_service_token" } });
    const own = await createServiceToken(account.admin, "short-lived");
    const verifier = createKeywardVerifier({ url: keywardUrl, serviceToken: own.secret });
    await verifier.ready();
    await account.admin.request("POST", `/console/api/service-tokens/${own.id}/revoke`);
    await waitFor(() => !verifier.stats.isStreaming);
    const key = await generateKey(account.admin, { all: true });
    expect(await verifier.verify({ key: key.secret })).toMatchObject({
      valid: false,
      code: "service_unavailable",
    });
    verifier.close();
  });
});

describe("The Hono adapter", () => {
  it("lets a valid key through with its identity and refuses one without the permission", async () => {
    const verifier = createKeywardVerifier({ url: keywardUrl, serviceToken: token, subscribe: false });
    const app = new Hono<{ Variables: { keyward: KeywardKey } }>();
    app.get("/orders", keywardHono(verifier, { permission: "orders:read" }), (c) =>
      c.json({ keyId: c.get("keyward").id }),
    );
    const allowed = await generateKey(account.admin, { all: false, sections: { orders: "read" } });
    const refused = await generateKey(account.admin, { all: false, sections: { reporting: "read" } });
    const ok = await app.request("/orders", { headers: { "x-api-key": allowed.secret } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ keyId: allowed.id });
    const no = await app.request("/orders", { headers: { authorization: `Bearer ${refused.secret}` } });
    expect(no.status).toBe(403);
    expect(await no.json()).toMatchObject({
      error: { code: "insufficient_permissions", required: "orders:read" },
    });
    verifier.close();
  });
});
