import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKeyView } from "../../src/keys/key-view.js";
import { callApi, createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { countAuditEventsInDatabase, expectError, getKey, reportingRead } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe("Editing an API key", () => {
  it("lets the owner change the name and the permissions", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager, reportingRead, "Old name");
    const response = await manager.request("PATCH", `/console/api/keys/${key.id}`, {
      name: "  Warehouse sync  ",
      permissions: { all: false, sections: { orders: "write" } },
    });
    expect(response.statusCode, response.body).toBe(200);
    const edited = response.json() as ApiKeyView;
    expect(edited).toMatchObject({
      id: key.id,
      name: "Warehouse sync",
      permissions: { all: false, sections: { orders: "write" } },
      permissionsSummary: "Orders (read & write)",
      status: "active",
    });
    expect(await getKey(manager, key.id)).toMatchObject({ name: "Warehouse sync" });
    expect(JSON.stringify(edited)).not.toContain(key.secret);
  });

  it("changes only what is sent", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead, "Keep my permissions");
    const renamed = await account.admin.request("PATCH", `/console/api/keys/${key.id}`, { name: "Renamed" });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: "Renamed", permissions: reportingRead });

    const widened = await account.admin.request("PATCH", `/console/api/keys/${key.id}`, {
      permissions: { all: true },
    });
    expect(widened.statusCode, widened.body).toBe(200);
    expect(widened.json()).toMatchObject({ name: "Renamed", permissions: { all: true } });
  });

  it("lets an Administrator edit a Marketplace Manager's key", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager, reportingRead, "Manager's key");
    const response = await account.admin.request("PATCH", `/console/api/keys/${key.id}`, {
      name: "Checked by admin",
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ name: "Checked by admin", owner: { id: manager.userId } });
    expect((await getKey(manager, key.id)).name).toBe("Checked by admin");
  });

  it("does not let a Marketplace Manager edit someone else's key, which stays unchanged", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const otherManager = await account.addManager({ apiAccess: true });
    const adminKey = await generateKey(account.admin, reportingRead, "Admin's key");
    const colleagueKey = await generateKey(otherManager, reportingRead, "Colleague's key");

    for (const key of [adminKey, colleagueKey]) {
      const response = await manager.request("PATCH", `/console/api/keys/${key.id}`, {
        name: "Taken over",
        permissions: { all: true },
      });
      expectError(response, 404, "not_found");
      expect(await getKey(account.admin, key.id)).toMatchObject({ permissions: reportingRead });
      expect((await getKey(account.admin, key.id)).name).not.toBe("Taken over");
      expectError(await callApi(t, key.secret, "/api/v1/orders"), 403, "insufficient_permissions");
    }
  });

  it("does not let a Manager whose API access was removed edit their own key", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager, reportingRead, "Mine");
    const removed = await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`);
    expect(removed.statusCode, removed.body).toBe(200);

    expectError(
      await manager.request("PATCH", `/console/api/keys/${key.id}`, { name: "Still mine?" }),
      403,
      "api_access_required",
    );
    expect((await getKey(account.admin, key.id)).name).toBe("Mine");
  });

  it("takes effect on the very next request made with the key", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead, "Dashboard");
    // Warm the verification cache so the edit has to invalidate it.
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
    const refused = expectError(
      await callApi(t, key.secret, "/api/v1/orders"),
      403,
      "insufficient_permissions",
    );
    expect(refused.message).toContain("orders:read");

    const widen = await account.admin.request("PATCH", `/console/api/keys/${key.id}`, {
      name: "Dashboard with orders",
      permissions: { all: false, sections: { reporting: "read", orders: "read" } },
    });
    expect(widen.statusCode, widen.body).toBe(200);
    expect((await callApi(t, key.secret, "/api/v1/orders")).statusCode).toBe(200);
    expect((await callApi(t, key.secret, "/api/v1/key")).json()).toMatchObject({
      name: "Dashboard with orders",
    });

    const narrow = await account.admin.request("PATCH", `/console/api/keys/${key.id}`, {
      permissions: reportingRead,
    });
    expect(narrow.statusCode, narrow.body).toBe(200);
    expectError(await callApi(t, key.secret, "/api/v1/orders"), 403, "insufficient_permissions");
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
  });

  it("refuses to edit a revoked key, which stays as it was", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead, "Retired");
    const revoke = await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(revoke.statusCode, revoke.body).toBe(200);
    const events = await countAuditEventsInDatabase(t, account.accountId);

    const response = await account.admin.request("PATCH", `/console/api/keys/${key.id}`, {
      name: "Revived",
      permissions: { all: true },
    });
    expectError(response, 409, "conflict");
    expect(await getKey(account.admin, key.id)).toMatchObject({
      name: "Retired",
      permissions: reportingRead,
      status: "revoked",
    });
    expect(await countAuditEventsInDatabase(t, account.accountId)).toBe(events);
    expectError(await callApi(t, key.secret, "/api/v1/key"), 401, "revoked_api_key");
  });

  it.each([
    ["an empty body", {}, "name"],
    ["an empty name", { name: " " }, "name"],
    ["a name over 100 characters", { name: "n".repeat(101) }, "name"],
    ["a name with a control character", { name: "tab\there" }, "name"],
    ["write on Payouts", { permissions: { all: false, sections: { payouts: "write" } } }, "payouts"],
    ["an unknown section", { permissions: { all: false, sections: { refunds: "read" } } }, "refunds"],
    ["no sections", { permissions: { all: false, sections: {} } }, "permissions"],
    ["an unknown field", { name: "ok", owner: "usr_x" }, "owner"],
  ])("refuses %s and leaves the key unchanged", async (_label, body, field) => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead, "Unchanged");
    const error = expectError(
      await account.admin.request("PATCH", `/console/api/keys/${key.id}`, body),
      400,
      "invalid_request",
    );
    expect(error.message).toContain(field);
    expect(await getKey(account.admin, key.id)).toMatchObject({
      name: "Unchanged",
      permissions: reportingRead,
    });
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
  });

  it("answers 404 for a key that does not exist", async () => {
    const account = await createTestAccount(t);
    expectError(
      await account.admin.request("PATCH", "/console/api/keys/key_00000000000000000000000000", { name: "x" }),
      404,
      "not_found",
    );
  });
});
