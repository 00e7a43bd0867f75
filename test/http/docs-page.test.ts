import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe("the /docs page", () => {
  it("carries Keyward's name, not Swagger's", async () => {
    const page = await t.app.inject({ method: "GET", url: "/docs/" });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("<title>Keyward API reference</title>");
    const initializer = await t.app.inject({ method: "GET", url: "/docs/static/swagger-initializer.js" });
    expect(initializer.body).toContain('"showExtensions":true');
    expect(initializer.body).toContain("data:image/svg+xml;base64,");
  });

  it("does not ask a plain-http browser to upgrade its requests, which would leave the page blank", async () => {
    const page = await t.app.inject({ method: "GET", url: "/docs/", headers: { host: "keyward.lan:3000" } });
    const csp = String(page.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain("upgrade-insecure-requests");
  });

  it("names each keyed operation's required permission in the document it shows", async () => {
    const document = (await t.app.inject({ method: "GET", url: "/api/v1/openapi.json" })).json();
    const listOrders = document.paths["/api/v1/orders"].get;
    expect(listOrders["x-keyward-permission"]).toBe("orders:read");
    expect(listOrders.description).toContain("`orders:read`");
  });
});
