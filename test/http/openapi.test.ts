import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
}

describe("The OpenAPI document", () => {
  it("is OpenAPI 3.1 and describes both the marketplace API and the console API", async () => {
    const response = await t.app.inject({ method: "GET", url: "/docs/json" });
    expect(response.statusCode).toBe(200);
    const document = response.json() as OpenApiDocument;
    expect(document.openapi).toMatch(/^3\.1\./);
    const paths = Object.keys(document.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/api/v1/key",
        "/api/v1/reports/sales",
        "/api/v1/orders",
        "/api/v1/orders/{id}/fulfil",
        "/api/v1/products/{id}",
        "/console/api/keys",
        "/console/api/keys/{id}",
        "/console/api/keys/{id}/revoke",
        "/console/api/users/{id}/api-access",
        "/console/api/audit",
      ]),
    );
    expect(Object.keys(document.paths["/console/api/keys/{id}"] ?? {})).toEqual(
      expect.arrayContaining(["get", "patch"]),
    );
    expect(paths).not.toContain("/healthz");
  });

  it("is also served as YAML at /docs/yaml, the same document (yaml loads on that first request)", async () => {
    const yaml = await t.app.inject({ method: "GET", url: "/docs/yaml" });
    expect(yaml.statusCode).toBe(200);
    expect(yaml.headers["content-type"]).toMatch(/^application\/x-yaml/);
    const json = await t.app.inject({ method: "GET", url: "/docs/json" });
    // Imported here, after the request: the server's own first use of yaml is the one under test.
    const { parse } = await import("yaml");
    expect(parse(yaml.body)).toEqual(json.json());
  });

  it("needs no key or session to read", async () => {
    const response = await t.app.inject({ method: "GET", url: "/docs/json" });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toMatch(/mpk_[0-9A-Za-z]{36}/);
  });
});
