import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserView } from "../../src/users/user-view.js";
import { callApi, createTestAccount, generateKey, signIn, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp, uniqueEmail } from "../support/test-app.js";
import {
  countAuditEventsInDatabase,
  expectError,
  findUser,
  listKeys,
  listUsers,
  reportingRead,
} from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe("Removing a Marketplace Manager's API access", () => {
  it("stops their keys at once, and they work again when access is granted back", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager, reportingRead);
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);

    const removed = await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect((removed.json() as UserView).hasApiAccess).toBe(false);
    const refused = expectError(
      await callApi(t, key.secret, "/api/v1/reports/sales"),
      401,
      "api_access_disabled",
    );
    expect(refused.message).toMatch(/API access/);

    const granted = await account.admin.request("POST", `/console/api/users/${manager.userId}/api-access`);
    expect(granted.statusCode, granted.body).toBe(200);
    expect((granted.json() as UserView).hasApiAccess).toBe(true);
    expect((await callApi(t, key.secret, "/api/v1/reports/sales")).statusCode).toBe(200);
  });

  it("closes Account > API Keys to them, while their keys are kept", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager, reportingRead);
    await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`);

    expectError(await manager.request("GET", "/console/api/keys"), 403, "api_access_required");
    expect((await listKeys(account.admin)).map((k) => k.id)).toEqual([key.id]);
  });

  it("leaves the keys of other users working", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const colleague = await account.addManager({ apiAccess: true });
    await generateKey(manager, reportingRead);
    const colleagueKey = await generateKey(colleague, reportingRead);
    const adminKey = await generateKey(account.admin, reportingRead);
    await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`);
    expect((await callApi(t, colleagueKey.secret, "/api/v1/key")).statusCode).toBe(200);
    expect((await callApi(t, adminKey.secret, "/api/v1/key")).statusCode).toBe(200);
  });

  it("is refused for an Administrator, whose API access can't be removed", async () => {
    const account = await createTestAccount(t);
    const otherAdmin = await account.addAdministrator();
    const key = await generateKey(otherAdmin, reportingRead);

    expectError(
      await account.admin.request("DELETE", `/console/api/users/${otherAdmin.userId}/api-access`),
      409,
      "conflict",
    );
    expectError(
      await account.admin.request("DELETE", `/console/api/users/${account.admin.userId}/api-access`),
      409,
      "conflict",
    );
    expect(await findUser(account.admin, otherAdmin.userId)).toMatchObject({ hasApiAccess: true });
    expect((await callApi(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
  });
});

describe("Deactivating a user", () => {
  it("stops their keys and ends their sessions at once", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager, reportingRead);
    expect((await callApi(t, key.secret, "/api/v1/key")).statusCode).toBe(200);
    expect((await callApi(t, key.secret, "/api/v1/key")).statusCode).toBe(200);

    const response = await account.admin.request("POST", `/console/api/users/${manager.userId}/deactivate`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ isActive: false, hasApiAccess: false });

    expectError(await callApi(t, key.secret, "/api/v1/key"), 401, "api_access_disabled");
    expectError(await manager.request("GET", "/console/api/session"), 401, "not_signed_in");
    expectError(await manager.request("GET", "/console/api/keys"), 401, "not_signed_in");
    const signInAgain = await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: manager.email, password: testPassword },
    });
    expectError(signInAgain, 403, "user_deactivated");
  });

  it("does not let an Administrator deactivate themselves", async () => {
    const account = await createTestAccount(t);
    await account.addAdministrator();
    const error = expectError(
      await account.admin.request("POST", `/console/api/users/${account.admin.userId}/deactivate`),
      409,
      "conflict",
    );
    expect(error.message).toMatch(/yourself/);
    expect((await account.admin.request("GET", "/console/api/session")).statusCode).toBe(200);
    expect(await findUser(account.admin, account.admin.userId)).toMatchObject({ isActive: true });
  });

  it("lets an Administrator deactivate another Administrator, whose keys then stop", async () => {
    const account = await createTestAccount(t);
    const otherAdmin = await account.addAdministrator();
    const key = await generateKey(otherAdmin, reportingRead);
    const response = await account.admin.request(
      "POST",
      `/console/api/users/${otherAdmin.userId}/deactivate`,
    );
    expect(response.statusCode, response.body).toBe(200);
    expectError(await callApi(t, key.secret, "/api/v1/key"), 401, "api_access_disabled");
    expectError(await otherAdmin.request("GET", "/console/api/session"), 401, "not_signed_in");
  });

  it("refuses to deactivate a user twice", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager();
    await account.admin.request("POST", `/console/api/users/${manager.userId}/deactivate`);
    expectError(
      await account.admin.request("POST", `/console/api/users/${manager.userId}/deactivate`),
      409,
      "conflict",
    );
  });
});

describe("Creating users", () => {
  it("adds a Marketplace Manager without API access unless it is granted", async () => {
    const account = await createTestAccount(t);
    const without = await account.admin.request("POST", "/console/api/users", {
      email: uniqueEmail("new-manager"),
      name: "New Manager",
      role: "marketplace_manager",
      password: testPassword,
    });
    expect(without.statusCode, without.body).toBe(201);
    expect(without.json()).toMatchObject({
      role: "marketplace_manager",
      hasApiAccess: false,
      isActive: true,
    });

    const email = uniqueEmail("api-manager");
    const withAccess = await account.admin.request("POST", "/console/api/users", {
      email,
      name: "API Manager",
      role: "marketplace_manager",
      password: testPassword,
      apiAccess: true,
    });
    expect(withAccess.statusCode, withAccess.body).toBe(201);
    expect(withAccess.json()).toMatchObject({ hasApiAccess: true });
    const manager = await signIn(t, email);
    expect((await manager.request("GET", "/console/api/keys")).statusCode).toBe(200);
  });

  it("gives a new Administrator API access by default", async () => {
    const account = await createTestAccount(t);
    const response = await account.admin.request("POST", "/console/api/users", {
      email: uniqueEmail("new-admin"),
      name: "New Admin",
      role: "administrator",
      password: testPassword,
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json()).toMatchObject({ role: "administrator", hasApiAccess: true });
  });

  it.each([
    ["an unknown role", { role: "owner" }, "role"],
    ["a malformed email", { email: "not-an-email" }, "email"],
    ["a short password", { password: "short" }, "password"],
  ])("refuses %s, naming the field", async (_label, override, field) => {
    const account = await createTestAccount(t);
    const usersBefore = (await listUsers(account.admin)).length;
    const error = expectError(
      await account.admin.request("POST", "/console/api/users", {
        email: uniqueEmail("refused"),
        name: "Refused",
        role: "marketplace_manager",
        password: testPassword,
        ...override,
      }),
      400,
      "invalid_request",
    );
    expect(error.message).toContain(field);
    expect((await listUsers(account.admin)).length).toBe(usersBefore);
  });

  it("lists each user with their count of active keys", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    await generateKey(manager, reportingRead);
    const revoked = await generateKey(manager, reportingRead);
    await account.admin.request("POST", `/console/api/keys/${revoked.id}/revoke`);
    expect(await findUser(account.admin, manager.userId)).toMatchObject({
      role: "marketplace_manager",
      hasApiAccess: true,
      isActive: true,
      activeKeyCount: 1,
    });
    expect(await findUser(account.admin, account.admin.userId)).toMatchObject({ activeKeyCount: 0 });
  });

  it("refuses an email that is already taken", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager();
    expectError(
      await account.admin.request("POST", "/console/api/users", {
        email: manager.email.toUpperCase(),
        name: "Copy",
        role: "marketplace_manager",
        password: testPassword,
      }),
      409,
      "conflict",
    );
  });
});

describe("Managing users and reading the audit log", () => {
  it("is for Administrators only: a Manager, even with API access, gets 403 and nothing changes", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const colleague = await account.addManager({ apiAccess: false });
    const events = await countAuditEventsInDatabase(t, account.accountId);
    const users = await listUsers(account.admin);

    const attempts = [
      manager.request("GET", "/console/api/users"),
      manager.request("POST", "/console/api/users", {
        email: uniqueEmail("sneaky"),
        name: "Sneaky",
        role: "administrator",
        password: testPassword,
      }),
      manager.request("POST", `/console/api/users/${colleague.userId}/api-access`),
      manager.request("POST", `/console/api/users/${manager.userId}/api-access`),
      manager.request("DELETE", `/console/api/users/${colleague.userId}/api-access`),
      manager.request("POST", `/console/api/users/${colleague.userId}/deactivate`),
      manager.request("POST", `/console/api/users/${account.admin.userId}/deactivate`),
      manager.request("GET", "/console/api/audit"),
    ];
    for (const response of await Promise.all(attempts)) {
      const error = expectError(response, 403, "administrator_required");
      expect(error.message).toMatch(/Administrator/);
    }

    expect(await listUsers(account.admin)).toEqual(users);
    expect(await countAuditEventsInDatabase(t, account.accountId)).toBe(events);
    expect((await colleague.request("GET", "/console/api/session")).statusCode).toBe(200);
  });
});
