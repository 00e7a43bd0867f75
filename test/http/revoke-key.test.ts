import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKeyView } from "../../src/keys/key-view.js";
import { callApi, createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { countAuditEventsInDatabase, expectError, getKey, listKeys, reportingRead } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe("Revoking an API key", () => {
  it("rejects a revoked key on the very next request", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    // Two requests: the second is served from the verification cache the revocation must invalidate.
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);

    const response = await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(response.statusCode, response.body).toBe(200);

    const refused = expectError(
      await callApi(t, key.secret, "/api/v1/reports/sales"),
      401,
      "revoked_api_key",
    );
    expect(refused.message).toMatch(/revoked/i);
    expectError(await callApi(t, key.secret, "/api/v1/key"), 401, "revoked_api_key");
  });

  it("records who revoked the key and when", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    const before = Date.now();
    const response = await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(response.statusCode, response.body).toBe(200);
    const revoked = response.json() as ApiKeyView;
    expect(revoked).toMatchObject({
      id: key.id,
      status: "revoked",
      revokedBy: { id: account.admin.userId, email: account.admin.email },
    });
    expect(Date.parse(revoked.revokedAt ?? "")).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(revoked.revokedAt ?? "")).toBeLessThanOrEqual(Date.now() + 1000);
    expect(JSON.stringify(revoked)).not.toContain(key.secret);
  });

  it("lets an Administrator revoke a Marketplace Manager's key", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager, reportingRead);
    const response = await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(response.statusCode, response.body).toBe(200);
    expectError(await callApi(t, key.secret, "/api/v1/reports/sales"), 401, "revoked_api_key");
    const [seenByOwner] = await listKeys(manager, "revoked");
    expect(seenByOwner).toMatchObject({ id: key.id, revokedBy: { id: account.admin.userId } });
  });

  it("is for Administrators only: a Manager with API access can't revoke, even their own key, which keeps working", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const own = await generateKey(manager, reportingRead, "Own key");
    const adminKey = await generateKey(account.admin, reportingRead, "Admin key");
    const events = await countAuditEventsInDatabase(t, account.accountId);

    for (const key of [own, adminKey]) {
      const error = expectError(
        await manager.request("POST", `/console/api/keys/${key.id}/revoke`),
        403,
        "administrator_required",
      );
      expect(error.message).toMatch(/Administrator/);
      expect((await getKey(account.admin, key.id)).status).toBe("active");
      expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
    }
    expect(await countAuditEventsInDatabase(t, account.accountId)).toBe(events);
  });

  it("is permanent: a revoked key can't be revoked again, edited back, or used", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    const first = await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(first.statusCode, first.body).toBe(200);
    const revokedAt = (first.json() as ApiKeyView).revokedAt;
    const events = await countAuditEventsInDatabase(t, account.accountId);

    expectError(await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`), 409, "conflict");
    expectError(
      await account.admin.request("PATCH", `/console/api/keys/${key.id}`, { name: "Back again" }),
      409,
      "conflict",
    );
    expect(await getKey(account.admin, key.id)).toMatchObject({ status: "revoked", revokedAt });
    expect(await countAuditEventsInDatabase(t, account.accountId)).toBe(events);
    expectError(await callApi(t, key.secret, "/api/v1/key"), 401, "revoked_api_key");
  });

  it("answers 404 for a key that does not exist", async () => {
    const account = await createTestAccount(t);
    expectError(
      await account.admin.request("POST", "/console/api/keys/key_00000000000000000000000000/revoke"),
      404,
      "not_found",
    );
  });

  it("leaves the owner's other keys working", async () => {
    const account = await createTestAccount(t);
    const revoked = await generateKey(account.admin, reportingRead, "Compromised");
    const kept = await generateKey(account.admin, reportingRead, "Still fine");
    await account.admin.request("POST", `/console/api/keys/${revoked.id}/revoke`);
    expectError(await callApi(t, revoked.secret, "/api/v1/key"), 401, "revoked_api_key");
    expect((await callApi(t, kept.secret, "/api/v1/key")).statusCode).toBe(200);
  });
});

describe("Revoked keys in the list", () => {
  it("are hidden by default, shown with status=revoked and both with status=all", async () => {
    const account = await createTestAccount(t);
    const active = await generateKey(account.admin, reportingRead, "Active");
    const revoked = await generateKey(account.admin, reportingRead, "Revoked");
    await account.admin.request("POST", `/console/api/keys/${revoked.id}/revoke`);

    const byDefault = await listKeys(account.admin);
    expect(byDefault.map((key) => key.id)).toEqual([active.id]);
    expect((await listKeys(account.admin, "active")).map((key) => key.id)).toEqual([active.id]);

    const onlyRevoked = await listKeys(account.admin, "revoked");
    expect(onlyRevoked.map((key) => key.id)).toEqual([revoked.id]);
    expect(onlyRevoked[0]).toMatchObject({
      status: "revoked",
      revokedBy: { id: account.admin.userId, email: account.admin.email },
      revokedAt: expect.any(String),
    });

    const all = await listKeys(account.admin, "all");
    expect(all.map((key) => key.id).sort()).toEqual([active.id, revoked.id].sort());
    expect(all.find((key) => key.id === active.id)).toMatchObject({
      status: "active",
      revokedAt: null,
      revokedBy: null,
    });
  });

  it("refuses an unknown status filter", async () => {
    const account = await createTestAccount(t);
    const error = expectError(
      await account.admin.request("GET", "/console/api/keys?status=deleted"),
      400,
      "invalid_request",
    );
    expect(error.message).toContain("status");
  });
});
