import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app.js";
import {
  errorLines,
  listen,
  openConnection,
  parseResponse,
  type RawConnection,
  rawRequest,
} from "./support/sockets.js";

// A real listening server and real sockets: timeouts and the connection cap live in Node's HTTP server,
// which app.inject never reaches. Short limits so the test doesn't wait the defaults out.
const cap = 16;
let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await createTestApp({
    env: {
      KEYWARD_MAX_CONNECTIONS: String(cap),
      KEYWARD_HEADERS_TIMEOUT_SECONDS: "1",
      KEYWARD_REQUEST_TIMEOUT_SECONDS: "2",
    },
  });
  port = await listen(t);
});
afterAll(async () => t.close());

const halfSentHeaders = "GET /healthz HTTP/1.1\r\nHost: keyward.test\r\nX-Slow: ";
const healthz = "GET /healthz HTTP/1.1\r\nHost: keyward.test\r\nConnection: close\r\n\r\n";

async function expectHealthy() {
  const response = parseResponse(await rawRequest(port, healthz));
  expect(response.status).toBe(200);
}

describe("connections held open by slow or half-sent requests", () => {
  it("closes a connection whose headers never finish, answering 408 request_timeout in the error shape", async () => {
    const connection = await openConnection(port, halfSentHeaders);
    const response = parseResponse(await connection.closed);
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: "request_timeout" } });
    await expectHealthy();
  });

  it("closes a request whose body never finishes, answering 408 request_timeout", async () => {
    const connection = await openConnection(
      port,
      'POST /console/api/session HTTP/1.1\r\nHost: keyward.test\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":',
    );
    const response = parseResponse(await connection.closed);
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: "request_timeout" } });
  });

  it(`holds at most KEYWARD_MAX_CONNECTIONS (${cap}) sockets, drops the rest at once, and answers /healthz once the half-sent ones time out`, async () => {
    const held: RawConnection[] = [];
    for (let i = 0; i < cap * 3; i++) held.push(await openConnection(port, halfSentHeaders));
    // Over the cap, the server closes a new connection as soon as it accepts it.
    const dropped = held.slice(cap);
    await Promise.all(dropped.map((connection) => connection.closed));
    expect(dropped.every((connection) => connection.received() === "")).toBe(true);
    expect(t.app.server.listening).toBe(true);
    // The half-sent requests within the cap are closed by the headers timeout, freeing their sockets.
    const kept = held.slice(0, cap);
    const answers = await Promise.all(kept.map((connection) => connection.closed));
    expect(answers.map((raw) => parseResponse(raw).status)).toEqual(kept.map(() => 408));
    await expectHealthy();
    console.log(
      `[hardening figures] connections: ${held.length} half-sent sockets opened against a cap of ${cap}: ${dropped.length} dropped at once, ${kept.length} closed by the headers timeout with 408; /healthz 200 afterwards`,
    );
  });

  it("logs a client that goes away mid-upload at no level above debug", async () => {
    const before = t.logs.length;
    const aborted: Promise<string>[] = [];
    for (let i = 0; i < 10; i++) {
      const connection = await openConnection(
        port,
        `POST /console/api/session HTTP/1.1\r\nHost: keyward.test\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{"email":"${"a".repeat(5000)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      connection.socket.destroy();
      aborted.push(connection.closed);
    }
    await Promise.all(aborted);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await expectHealthy();
    expect(errorLines(t.logs.slice(before))).toEqual([]);
    expect(t.logs.slice(before).filter((line) => /"level":40/.test(line))).toEqual([]);
  });
});
