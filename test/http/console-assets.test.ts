import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp, tempDir } from "../support/test-app.js";

let t: TestApp;
const dist = tempDir();

beforeAll(async () => {
  mkdirSync(join(dist.path, "assets"), { recursive: true });
  writeFileSync(join(dist.path, "index.html"), "<!doctype html><title>Keyward console</title>");
  t = await createTestApp({ env: { KEYWARD_WEB_DIST: dist.path } });
});
afterAll(async () => {
  await t.close();
  dist.remove();
});

describe("serving the console", () => {
  it("serves the console's index page at / and at its client-side routes", async () => {
    for (const url of ["/", "/account/api-keys", "/users"]) {
      const response = await t.app.inject({ method: "GET", url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers["content-type"]).toContain("text/html");
      expect(response.body).toContain("Keyward console");
    }
  });

  it("serves assets built after the server started", async () => {
    writeFileSync(join(dist.path, "assets", "late.js"), "console.log('new build')");
    const response = await t.app.inject({ method: "GET", url: "/assets/late.js" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("javascript");
  });

  it("answers unknown API paths with a JSON not_found, not the console page", async () => {
    for (const url of ["/api/v1/nope", "/console/api/nope"]) {
      const response = await t.app.inject({ method: "GET", url });
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe("not_found");
    }
  });

  it("sends a content security policy with the console page", async () => {
    const response = await t.app.inject({ method: "GET", url: "/" });
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
  });
});
