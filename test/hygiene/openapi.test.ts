import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { declaredCodes } from "./support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface Document {
  paths: Record<string, Record<string, { requestBody?: unknown }>>;
  components: { schemas: Record<string, { properties?: Record<string, { enum?: string[] }> }> };
}

async function document(url: string): Promise<Document> {
  const response = await t.app.inject({ method: "GET", url });
  expect(response.statusCode, url).toBe(200);
  return response.json() as Document;
}

describe("The OpenAPI documents", () => {
  it("declare, on every marketplace route, the refusals any key may meet: expired, rolled, outside its allowlist", async () => {
    const marketplace = await document("/api/v1/openapi.json");
    const operations = Object.entries(marketplace.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.length).toBeGreaterThan(10);
    // Leak reports are public (anyone may report a key): no key is checked there.
    for (const operation of operations.filter((name) => name !== "POST /api/v1/leaked-keys")) {
      expect(await declaredCodes(t, operation, 401), operation).toEqual(
        expect.arrayContaining(["expired_api_key", "rolled_api_key", "revoked_api_key"]),
      );
      expect(await declaredCodes(t, operation, 403), operation).toContain("ip_not_allowed");
    }
  });

  it("describe the hygiene routes of the console API with their own refusals", async () => {
    const consoleApi = await document("/console/api/openapi.json");
    expect(Object.keys(consoleApi.paths["/console/api/keys/{id}/roll"] ?? {})).toEqual(["post"]);
    expect(Object.keys(consoleApi.paths["/console/api/account/policy"] ?? {}).sort()).toEqual([
      "get",
      "patch",
    ]);
    expect(Object.keys(consoleApi.paths["/console/api/users/{id}/permission-ceiling"] ?? {})).toEqual([
      "put",
    ]);

    expect(await declaredCodes(t, "POST /console/api/keys", 403)).toContain("exceeds_permission_ceiling");
    expect(await declaredCodes(t, "PATCH /console/api/keys/{id}", 403)).toContain(
      "exceeds_permission_ceiling",
    );
    expect(await declaredCodes(t, "POST /console/api/keys/{id}/roll", 409)).toEqual(["conflict"]);
    expect(await declaredCodes(t, "PATCH /console/api/account/policy", 403)).toContain(
      "administrator_required",
    );
    expect(await declaredCodes(t, "PUT /console/api/users/{id}/permission-ceiling", 409)).toEqual([
      "conflict",
    ]);
  });

  it("show a key's status, expiry, allowlist, roll and effective permissions", async () => {
    const { components } = await document("/console/api/openapi.json");
    const key = components.schemas.ApiKey?.properties ?? {};
    expect(key.status?.enum).toEqual([
      "active",
      "expiring_soon",
      "expired",
      "suspended",
      "rolled",
      "revoked",
    ]);
    expect(Object.keys(key)).toEqual(
      expect.arrayContaining([
        "expiresAt",
        "exceedsPolicy",
        "allowedIps",
        "rolledAt",
        "previousKeyHint",
        "previousKeyValidUntil",
        "effectivePermissions",
        "isLimitedByCeiling",
        "suspendedReason",
      ]),
    );
    const user = components.schemas.User?.properties ?? {};
    expect(Object.keys(user)).toEqual(
      expect.arrayContaining(["activeKeyCount", "suspendedKeyCount", "permissionCeiling"]),
    );
    const { components: marketplace } = await document("/api/v1/openapi.json");
    expect(Object.keys(marketplace.schemas.CallingKey?.properties ?? {})).toEqual(
      expect.arrayContaining(["status", "expiresAt", "permissions", "secretValidUntil"]),
    );
  });
});
