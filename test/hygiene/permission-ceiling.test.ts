import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callWithKey, marketplaceIds } from "../hardening/support/requests.js";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import {
  auditCount,
  auditOf,
  editKey,
  expectRefused,
  generateWith,
  getKey,
  integration,
  keyRow,
  listKeys,
  managerWithin,
  putCeilingOk,
  readOrdersWrite,
  reportingRead,
  requestKey,
} from "./support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const createKey = "POST /console/api/keys";
const updateKey = "PATCH /console/api/keys/{id}";

describe("Granting a Manager API access within a ceiling", () => {
  it("records the ceiling, shows it on the Users page and audits it with before and after", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: false });
    const response = await account.admin.request("POST", `/console/api/users/${manager.userId}/api-access`, {
      ceiling: readOrdersWrite,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      hasApiAccess: true,
      permissionCeiling: readOrdersWrite,
      permissionCeilingSummary: "Reporting (read), Orders (read & write)",
    });
    const [event] = await auditOf(account.admin, "user.permission_ceiling_changed", manager.userId);
    expect(event?.details).toMatchObject({
      before: { ceiling: "All permissions" },
      after: { ceiling: "Reporting (read), Orders (read & write)" },
    });
    expect(await auditOf(account.admin, "user.api_access_granted", manager.userId)).toHaveLength(1);
  });

  it("allows All permissions when no ceiling is chosen", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: false });
    const response = await account.admin.request("POST", `/console/api/users/${manager.userId}/api-access`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ hasApiAccess: true, permissionCeiling: null });
    const { key } = await generateWith(manager, { permissions: { all: true } });
    expect(key).toMatchObject({ effectivePermissions: { all: true }, isLimitedByCeiling: false });
  });
});

describe("A Manager's keys and their ceiling", () => {
  it.each([
    ["All permissions", { all: true }, "all", "All permissions"],
    [
      "write where the ceiling allows read",
      { all: false, sections: { orders: "write" } },
      "orders:write",
      "orders:write",
    ],
    [
      "a section outside the ceiling",
      { all: false, sections: { catalog: "read" } },
      "catalog:read",
      "catalog:read",
    ],
  ])(
    "refuses a key with %s, naming the permission, and generates nothing",
    async (_label, permissions, required, named) => {
      const account = await createTestAccount(t);
      const manager = await managerWithin(account, {
        all: false,
        sections: { reporting: "read", orders: "read" },
      });
      const events = await auditCount(t, account.accountId);
      const error = await expectRefused(
        t,
        await requestKey(manager, { permissions }),
        createKey,
        403,
        "exceeds_permission_ceiling",
      );
      expect((error as { required?: string }).required).toBe(required);
      expect(error.message).toContain(named);
      expect(await listKeys(account.admin, "status=all")).toEqual([]);
      expect(await auditCount(t, account.accountId)).toBe(events);
    },
  );

  it("accepts keys within the ceiling", async () => {
    const account = await createTestAccount(t);
    const manager = await managerWithin(account, readOrdersWrite);
    for (const permissions of [
      readOrdersWrite,
      reportingRead,
      { all: false, sections: { orders: "read" } },
    ]) {
      const { key } = await generateWith(manager, { permissions });
      expect(key).toMatchObject({
        permissions,
        effectivePermissions: permissions,
        isLimitedByCeiling: false,
      });
    }
  });

  it("refuses an edit beyond the ceiling, by the Manager or an Administrator, and leaves the key unchanged", async () => {
    const account = await createTestAccount(t);
    const manager = await managerWithin(account, readOrdersWrite);
    const { id, secret } = await generateWith(manager, { permissions: reportingRead });
    const row = await keyRow(t, id);

    const own = await expectRefused(
      t,
      await editKey(manager, id, { permissions: { all: false, sections: { payouts: "read" } } }),
      updateKey,
      403,
      "exceeds_permission_ceiling",
    );
    expect(own.message).toContain("payouts:read");
    const byAdmin = await expectRefused(
      t,
      await editKey(account.admin, id, { permissions: { all: true } }),
      updateKey,
      403,
      "exceeds_permission_ceiling",
    );
    expect(byAdmin.message).toMatch(/owner's permission limit/);
    expect(await keyRow(t, id)).toEqual(row);
    await expectRefused(
      t,
      await integration(t).call(secret, "/api/v1/payouts"),
      "GET /api/v1/payouts",
      403,
      "insufficient_permissions",
    );
  });

  it("narrows an existing, cached key on its next request when lowered, and the console shows both permission sets", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const client = integration(t);
    const { id, secret } = await generateWith(manager, { permissions: readOrdersWrite });
    for (const url of ["/api/v1/orders", "/api/v1/orders", "/api/v1/reports/sales"]) {
      expect((await client.call(secret, url)).statusCode, url).toBe(200);
    }

    const lowered = await putCeilingOk(account.admin, manager.userId, reportingRead);
    expect(lowered).toMatchObject({
      permissionCeiling: reportingRead,
      permissionCeilingSummary: "Reporting (read)",
    });
    const refused = await expectRefused(
      t,
      await client.call(secret, "/api/v1/orders"),
      "GET /api/v1/orders",
      403,
      "insufficient_permissions",
    );
    expect(refused.message).toContain("orders:read");
    expect((await client.call(secret, "/api/v1/reports/sales")).statusCode).toBe(200);
    expect((await client.call(secret)).json()).toMatchObject({
      permissions: reportingRead,
      permissionsSummary: "Reporting (read)",
    });
    expect(await getKey(manager, id)).toMatchObject({
      permissions: readOrdersWrite,
      effectivePermissions: reportingRead,
      effectivePermissionsSummary: "Reporting (read)",
      isLimitedByCeiling: true,
    });
    const [event] = await auditOf(account.admin, "user.permission_ceiling_changed", manager.userId);
    expect(event?.details).toMatchObject({
      before: { ceiling: "All permissions" },
      after: { ceiling: "Reporting (read)" },
    });

    await putCeilingOk(account.admin, manager.userId, { all: true });
    expect((await client.call(secret, "/api/v1/orders")).statusCode).toBe(200);
    expect(await getKey(manager, id)).toMatchObject({
      effectivePermissions: readOrdersWrite,
      isLimitedByCeiling: false,
    });
  });

  it("turns write into read where the ceiling allows only read", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const client = integration(t);
    const { secret } = await generateWith(manager, { permissions: { all: true } });
    const [paidOrder] = (await marketplaceIds(t.database.db, account.accountId)).paidOrders;
    await putCeilingOk(account.admin, manager.userId, { all: false, sections: { orders: "read" } });

    expect((await client.call(secret, "/api/v1/orders")).statusCode).toBe(200);
    const response = await callWithKey(t, secret, `/api/v1/orders/${paidOrder}/fulfil`, {
      method: "POST",
      ip: client.ip,
    });
    const error = await expectRefused(
      t,
      response,
      "POST /api/v1/orders/{id}/fulfil",
      403,
      "insufficient_permissions",
    );
    expect(error.message).toContain("orders:write");
    await expectRefused(
      t,
      await client.call(secret, "/api/v1/payouts"),
      "GET /api/v1/payouts",
      403,
      "insufficient_permissions",
    );
  });
});
