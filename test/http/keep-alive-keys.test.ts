import { Agent, request } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKey as generateKeyString } from "../../src/keys/key-format.js";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

// A keep-alive connection has its key hashed once (src/keys/verify-key.ts): every request on the
// connection must still be judged by the key it presents, whatever came before on that connection.
let t: TestApp;
let origin: string;
let agent: Agent;

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: "127.0.0.1" });
  origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  agent = new Agent({ keepAlive: true, maxSockets: 1 });
});
afterAll(async () => {
  agent.destroy();
  await t.close();
});

interface Answer {
  status: number;
  code: string | undefined;
  keyName: string | undefined;
  port: number;
}

/** GET /api/v1/key on the one shared connection; reports which local port (connection) was used. */
function call(key: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}/api/v1/key`,
      { agent, headers: { authorization: `Bearer ${key}` } },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => {
          const parsed = JSON.parse(body) as { name?: string; error?: { code: string } };
          resolve({
            status: response.statusCode ?? 0,
            code: parsed.error?.code,
            keyName: parsed.name,
            port: req.socket?.localPort ?? 0,
          });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** The same length as `secret`, one character changed. */
function altered(secret: string, index: number): string {
  const replacement = secret[index] === "A" ? "B" : "A";
  return secret.slice(0, index) + replacement + secret.slice(index + 1);
}

describe("Several keys on one keep-alive connection", () => {
  it("judges each request by the key it presents, not by the key before it", async () => {
    const { admin } = await createTestAccount(t);
    const first = await generateKey(admin, { all: true }, "First");
    const second = await generateKey(admin, { all: true }, "Second");

    const answers = [
      await call(first.secret),
      await call(first.secret),
      await call(second.secret),
      await call(first.secret),
    ];
    expect(answers.map((a) => a.keyName)).toEqual(["First", "First", "Second", "First"]);
    expect(new Set(answers.map((a) => a.port)).size).toBe(1);
  });

  it("refuses a key that differs from the previous one in one character, wherever it differs", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateKey(admin, { all: true }, "Valid");
    const ports = new Set<number>();
    for (const index of [4, 20, key.secret.length - 1]) {
      const valid = await call(key.secret);
      expect(valid.status).toBe(200);
      const wrong = await call(altered(key.secret, index));
      expect(wrong).toMatchObject({ status: 401, code: "invalid_api_key" });
      ports.add(valid.port).add(wrong.port);
    }
    const neverIssued = await call(generateKeyString().secret);
    expect(neverIssued).toMatchObject({ status: 401, code: "invalid_api_key" });
    expect(ports.size).toBe(1);
  });

  it("rejects a key revoked after the connection already used it", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateKey(admin, { all: true }, "Soon revoked");
    expect((await call(key.secret)).status).toBe(200);
    const revoked = await admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(await call(key.secret)).toMatchObject({ status: 401, code: "revoked_api_key" });
  });
});
