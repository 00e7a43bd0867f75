import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import {
  auditCount,
  expectRefused,
  generateWith,
  managerWithin,
  putCeiling,
  putCeilingOk,
  readOrdersWrite,
  reportingRead,
} from "./support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const setCeiling = "PUT /console/api/users/{id}/permission-ceiling";
const grantAccess = "POST /console/api/users/{id}/api-access";

async function userRow(userId: string) {
  return t.database.db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirstOrThrow();
}

describe("Who has a ceiling, and who sets it", () => {
  it("gives Administrators none: setting one is refused and their keys may hold anything", async () => {
    const account = await createTestAccount(t);
    const other = await account.addAdministrator();
    const before = await userRow(other.userId);
    const error = await expectRefused(
      t,
      await putCeiling(account.admin, other.userId, reportingRead),
      setCeiling,
      409,
      "conflict",
    );
    expect(error.message).toMatch(/Administrators have no permission ceiling/);
    expect(await userRow(other.userId)).toEqual(before);
    const { key } = await generateWith(other, { permissions: { all: true } });
    expect(key).toMatchObject({ effectivePermissions: { all: true }, isLimitedByCeiling: false });
  });

  it("refuses to grant an Administrator API access within a ceiling, rather than ignore it", async () => {
    const account = await createTestAccount(t);
    const other = await account.addAdministrator();
    const before = await userRow(other.userId);
    const events = await auditCount(t, account.accountId);
    const response = await account.admin.request("POST", `/console/api/users/${other.userId}/api-access`, {
      ceiling: reportingRead,
    });
    const error = await expectRefused(t, response, grantAccess, 409, "conflict");
    expect(error.message).toMatch(/Administrators have no permission ceiling/);
    expect(await userRow(other.userId)).toEqual(before);
    expect(await auditCount(t, account.accountId)).toBe(events);
    // Without a ceiling, granting an Administrator access changes nothing and is no error.
    const plain = await account.admin.request("POST", `/console/api/users/${other.userId}/api-access`);
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.json()).toMatchObject({ hasApiAccess: true, permissionCeiling: null });
  });

  it("lets only an Administrator set a ceiling or grant access with one", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const colleague = await account.addManager({ apiAccess: false });
    const events = await auditCount(t, account.accountId);
    const rows = [await userRow(manager.userId), await userRow(colleague.userId)];

    await expectRefused(
      t,
      await putCeiling(manager, manager.userId, { all: true }),
      setCeiling,
      403,
      "administrator_required",
    );
    await expectRefused(
      t,
      await putCeiling(manager, colleague.userId, reportingRead),
      setCeiling,
      403,
      "administrator_required",
    );
    await expectRefused(
      t,
      await manager.request("POST", `/console/api/users/${colleague.userId}/api-access`, {
        ceiling: reportingRead,
      }),
      grantAccess,
      403,
      "administrator_required",
    );
    expect([await userRow(manager.userId), await userRow(colleague.userId)]).toEqual(rows);
    expect(await auditCount(t, account.accountId)).toBe(events);
  });

  it("records nothing when the same ceiling is set again, written in another order", async () => {
    const account = await createTestAccount(t);
    const manager = await managerWithin(account, readOrdersWrite);
    const events = await auditCount(t, account.accountId);
    const again = await putCeilingOk(account.admin, manager.userId, {
      all: false,
      sections: { orders: "write", reporting: "read" },
    });
    expect(again.permissionCeiling).toEqual(readOrdersWrite);
    expect(await auditCount(t, account.accountId)).toBe(events);
  });

  it("answers 404 for a user of another account, whose ceiling stays as it was", async () => {
    const account = await createTestAccount(t);
    const elsewhere = await createTestAccount(t);
    const stranger = await elsewhere.addManager({ apiAccess: true });
    const before = await userRow(stranger.userId);
    await expectRefused(
      t,
      await putCeiling(account.admin, stranger.userId, reportingRead),
      setCeiling,
      404,
      "not_found",
    );
    expect(await userRow(stranger.userId)).toEqual(before);
  });

  it.each([
    ["no sections", { all: false, sections: {} }, "ceiling"],
    ["an unknown section", { all: false, sections: { refunds: "read" } }, "refunds"],
    ["write on a read-only section", { all: false, sections: { payouts: "write" } }, "payouts"],
    ["an unknown access", { all: false, sections: { orders: "admin" } }, "orders"],
    ["nothing", undefined, "ceiling"],
  ])("refuses a ceiling with %s, naming it, and changes nothing", async (_label, ceiling, named) => {
    const account = await createTestAccount(t);
    const manager = await managerWithin(account, readOrdersWrite);
    const before = await userRow(manager.userId);
    const events = await auditCount(t, account.accountId);
    const body = ceiling === undefined ? {} : { ceiling };
    const response = await account.admin.request(
      "PUT",
      `/console/api/users/${manager.userId}/permission-ceiling`,
      body,
    );
    const error = await expectRefused(t, response, setCeiling, 400, "invalid_request");
    expect(error.message).toContain(named);
    expect(await userRow(manager.userId)).toEqual(before);
    expect(await auditCount(t, account.accountId)).toBe(events);

    const granted = await account.admin.request(
      "POST",
      `/console/api/users/${manager.userId}/api-access`,
      body,
    );
    if (ceiling !== undefined) {
      await expectRefused(t, granted, grantAccess, 400, "invalid_request");
      expect(await userRow(manager.userId)).toEqual(before);
    }
  });
});
