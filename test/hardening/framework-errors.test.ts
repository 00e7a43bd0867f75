import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, tempDir } from "../support/test-app.js";
import { errorLines, listen, parseResponse, rawRequest } from "./support/sockets.js";

// Errors raised before a route runs — Node's HTTP parser, Fastify's router, the static-file server —
// must answer in Keyward's shape with its codes, like everything else. Real sockets: app.inject skips the parser.
const web = tempDir();
let t: TestApp;
let port: number;
beforeAll(async () => {
  mkdirSync(join(web.path, "assets"));
  writeFileSync(join(web.path, "index.html"), "<!doctype html><title>Keyward</title>");
  writeFileSync(join(web.path, "assets", "app.js"), "console.log(1)");
  t = await createTestApp({ env: { KEYWARD_WEB_DIST: web.path } });
  port = await listen(t);
});
afterAll(async () => {
  await t.close();
  web.remove();
});

interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}

/** Sends a raw request and asserts Keyward's error shape, status and code. */
async function expectKeywardError(
  request: string,
  status: number,
  code: string,
): Promise<ErrorBody["error"]> {
  const response = parseResponse(await rawRequest(port, request));
  expect(response.status, response.body).toBe(status);
  expect(response.headers["content-type"]).toMatch(/^application\/json/);
  const body = JSON.parse(response.body) as ErrorBody;
  expect(body.error.code).toBe(code);
  expect(body.error.message).toMatch(/\S/);
  expect(body.error.requestId).toMatch(/^req_[0-9a-f]{32}$/);
  expect(response.body).not.toMatch(/FST_|HPE_|"statusCode"/);
  return body.error;
}

describe("errors raised before a route runs, in Keyward's error shape", () => {
  it("answers headers over Node's limit with 431 headers_too_large", async () => {
    const request = `GET /healthz HTTP/1.1\r\nHost: keyward.test\r\nX-Padding: ${"a".repeat(20_000)}\r\nConnection: close\r\n\r\n`;
    const error = await expectKeywardError(request, 431, "headers_too_large");
    expect(error.message).not.toContain("aaaa");
  });

  it("refuses a request with both Content-Length and Transfer-Encoding (a smuggling shape) with 400 invalid_request", async () => {
    await expectKeywardError(
      "POST /console/api/session HTTP/1.1\r\nHost: keyward.test\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400,
      "invalid_request",
    );
  });

  it("refuses other request-smuggling shapes with 400 invalid_request: two Content-Lengths, an obfuscated Transfer-Encoding, a bare LF in a header", async () => {
    for (const request of [
      "POST /console/api/session HTTP/1.1\r\nHost: keyward.test\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n{}{}",
      "POST /console/api/session HTTP/1.1\r\nHost: keyward.test\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
      "POST /console/api/session HTTP/1.1\r\nHost: keyward.test\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: keyward.test\nX-Evil: 1\r\n\r\n",
    ]) {
      await expectKeywardError(request, 400, "invalid_request");
    }
  });

  it("answers a path the static-file server refuses (traversal) with 404 not_found, not its own 403", async () => {
    for (const path of [
      "/assets/..%2f..%2fpackage.json",
      "/%2e%2e/%2e%2e/etc/passwd",
      "/assets/%2e%2e%2f%2e%2e%2fsrc",
    ]) {
      const error = await expectKeywardError(
        `GET ${path} HTTP/1.1\r\nHost: keyward.test\r\nConnection: close\r\n\r\n`,
        404,
        "not_found",
      );
      expect(error.message).not.toContain("..");
    }
  });

  it("writes none of these refusals to the log above debug", async () => {
    const before = t.logs.length;
    await rawRequest(
      port,
      `GET /healthz HTTP/1.1\r\nHost: keyward.test\r\nX-Padding: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    await rawRequest(
      port,
      "POST /console/api/session HTTP/1.1\r\nHost: keyward.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    expect(errorLines(t.logs.slice(before))).toEqual([]);
  });
});
