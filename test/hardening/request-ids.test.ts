import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { unknownKey } from "./support/requests.js";

// Request ids were sequential (req-1, req-2…): they told anyone the server's volume and restarts, and
// collided between instances. They are random now; a client's X-Request-Id is used only when configured.
let byDefault: TestApp;
let accepting: TestApp;
beforeAll(async () => {
  byDefault = await createTestApp();
  accepting = await createTestApp({ env: { KEYWARD_ACCEPT_REQUEST_ID: "true" } });
});
afterAll(async () => {
  await byDefault.close();
  await accepting.close();
});

const randomId = /^req_[0-9a-f]{32}$/;

describe("request ids", () => {
  it("gives every request a random id of 128 bits, never one seen before, on successes and errors alike", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 100; i++) {
      const response = await byDefault.app.inject({ method: "GET", url: i % 2 ? "/healthz" : "/api/v1/key" });
      const id = String(response.headers["request-id"]);
      expect(id).toMatch(randomId);
      if (response.statusCode >= 400)
        expect((response.json() as { error: { requestId: string } }).error.requestId).toBe(id);
      ids.push(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Not a counter: consecutive ids share no long common prefix.
    const sharedPrefix = (a: string, b: string) => [...a].findIndex((c, i) => c !== b[i]);
    expect(Math.max(...ids.slice(1).map((id, i) => sharedPrefix(id, ids[i] ?? "")))).toBeLessThan(12);
  });

  it("ignores an incoming X-Request-Id unless KEYWARD_ACCEPT_REQUEST_ID is set", async () => {
    const response = await byDefault.app.inject({
      method: "GET",
      url: "/api/v1/key",
      headers: { "x-request-id": "client-trace-42" },
    });
    expect(response.headers["request-id"]).toMatch(randomId);
    expect(response.json()).toMatchObject({ error: { requestId: expect.stringMatching(randomId) } });
    expect(byDefault.logs.join("")).not.toContain("client-trace-42");
  });

  it("uses a well-formed incoming X-Request-Id when configured to, in the response and the log", async () => {
    const response = await accepting.app.inject({
      method: "GET",
      url: "/api/v1/key",
      headers: { "x-request-id": "client-trace-42" },
    });
    expect(response.headers["request-id"]).toBe("client-trace-42");
    expect(response.json()).toMatchObject({ error: { requestId: "client-trace-42" } });
    expect(accepting.logs.some((line) => line.includes('"reqId":"client-trace-42"'))).toBe(true);
  });

  it("replaces a malformed, over-long or key-carrying X-Request-Id with a random id even when configured", async () => {
    for (const incoming of ["two words", "a".repeat(129), "<script>", unknownKey(), `t-${unknownKey()}`]) {
      const response = await accepting.app.inject({
        method: "GET",
        url: "/healthz",
        headers: { "x-request-id": incoming },
      });
      expect(response.headers["request-id"], incoming).toMatch(randomId);
    }
    expect(accepting.logs.join("")).not.toMatch(/mpk_[0-9A-Za-z]{10}/);
  });
});
