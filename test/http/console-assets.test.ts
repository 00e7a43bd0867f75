import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, tempDir } from "../support/test-app.js";

let t: TestApp;
const dist = tempDir();
const indexHtml = "<!doctype html><title>Keyward console</title>";
const bundle = `console.log(${JSON.stringify("the console ".repeat(200))});`;

/** A build as `npm run build` leaves it: hashed assets and index.html, each with .br and .gz twins. */
function writeFileWithTwins(path: string, text: string): void {
  writeFileSync(path, text);
  writeFileSync(`${path}.br`, brotliCompressSync(text));
  writeFileSync(`${path}.gz`, gzipSync(text));
}

beforeAll(async () => {
  mkdirSync(join(dist.path, "assets"), { recursive: true });
  writeFileWithTwins(join(dist.path, "index.html"), indexHtml);
  writeFileWithTwins(join(dist.path, "assets", "index-Ab12Cd34.js"), bundle);
  t = await createTestApp({ env: { KEYWARD_WEB_DIST: dist.path } });
});
afterAll(async () => {
  await t.close();
  dist.remove();
});

function get(url: string, acceptEncoding?: string) {
  return t.app.inject({
    method: "GET",
    url,
    headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding },
  });
}

describe("serving the console", () => {
  it("serves the console's index page at / and at its client-side routes", async () => {
    for (const url of ["/", "/account/api-keys", "/users"]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.headers["content-type"]).toContain("text/html");
      expect(response.body).toContain("Keyward console");
    }
  });

  it("serves assets built after the server started", async () => {
    writeFileSync(join(dist.path, "assets", "late.js"), "console.log('new build')");
    const response = await get("/assets/late.js");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("javascript");
    expect(response.body).toBe("console.log('new build')");
  });

  it("answers unknown API paths with a JSON not_found, not the console page", async () => {
    for (const url of ["/api/v1/nope", "/console/api/nope"]) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe("not_found");
    }
  });

  it("answers a missing asset with 404, not the index page", async () => {
    const response = await get("/assets/index-OldBuild.js");
    expect(response.statusCode).toBe(404);
    expect(response.headers["content-type"]).not.toContain("text/html");
  });

  it("sends a content security policy with the console page", async () => {
    const response = await get("/");
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  });
});

describe("compression", () => {
  it("serves the brotli file to a browser that accepts brotli", async () => {
    const response = await get("/assets/index-Ab12Cd34.js", "gzip, deflate, br, zstd");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-encoding"]).toBe("br");
    expect(response.headers["content-type"]).toContain("javascript");
    expect(brotliDecompressSync(response.rawPayload).toString()).toBe(bundle);
    expect(response.rawPayload.length).toBeLessThan(bundle.length / 4);
  });

  it("serves the gzip file to a browser that accepts only gzip, as Chromium does over plain http", async () => {
    const response = await get("/assets/index-Ab12Cd34.js", "gzip, deflate");
    expect(response.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(response.rawPayload).toString()).toBe(bundle);
  });

  it("serves the plain file to a client that accepts no compression", async () => {
    for (const acceptEncoding of [undefined, "identity"]) {
      const response = await get("/assets/index-Ab12Cd34.js", acceptEncoding);
      expect(response.statusCode).toBe(200);
      expect(response.headers["content-encoding"]).toBeUndefined();
      expect(response.body).toBe(bundle);
    }
  });

  it("compresses the index page on every path that serves it", async () => {
    for (const url of ["/", "/index.html", "/account/api-keys"]) {
      const response = await get(url, "br");
      expect(response.statusCode, url).toBe(200);
      expect(response.headers["content-encoding"], url).toBe("br");
      expect(response.headers["content-type"], url).toContain("text/html");
      expect(brotliDecompressSync(response.rawPayload).toString(), url).toBe(indexHtml);
    }
  });

  it("tells caches that the body depends on Accept-Encoding", async () => {
    for (const url of ["/", "/assets/index-Ab12Cd34.js", "/users"]) {
      expect(String((await get(url, "br")).headers.vary), url).toMatch(/accept-encoding/i);
    }
  });
});

describe("caching", () => {
  it("lets browsers keep hashed assets for a year without asking again", async () => {
    for (const acceptEncoding of ["br", "gzip", undefined]) {
      const response = await get("/assets/index-Ab12Cd34.js", acceptEncoding);
      expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    }
  });

  it("makes browsers revalidate the index page, so a new release is picked up at once", async () => {
    for (const url of ["/", "/index.html", "/account/api-keys", "/users"]) {
      for (const acceptEncoding of ["br", undefined]) {
        const response = await get(url, acceptEncoding);
        expect(response.headers["cache-control"], url).toBe("no-cache");
      }
    }
  });

  it("never lets API responses be cached as if they were assets", async () => {
    const response = await get("/console/api/session");
    expect(response.statusCode).toBe(401);
    expect(response.headers["cache-control"] ?? "").not.toContain("immutable");
  });
});
