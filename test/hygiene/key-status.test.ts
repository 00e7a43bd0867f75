import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserView } from "../../src/users/user-view.js";
import type { ConsoleClient } from "../support/accounts.js";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import {
  dayMs,
  expectRefused,
  generateWith,
  getKey,
  integration,
  listKeys,
  rollOk,
  setExpiryInDatabase,
} from "./support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function userOf(admin: ConsoleClient, userId: string): Promise<UserView> {
  const response = await admin.request("GET", "/console/api/users");
  expect(response.statusCode, response.body).toBe(200);
  const user = (response.json() as { items: UserView[] }).items.find((item) => item.id === userId);
  if (!user) throw new Error(`user ${userId} is not listed`);
  return user;
}

/** Ids of the keys a filter lists, sorted. */
async function filtered(client: ConsoleClient, status: string): Promise<string[]> {
  return (await listKeys(client, `status=${status}`)).map((key) => key.id).sort();
}

describe("A suspended key", () => {
  it("shows as Suspended when its owner loses API access, says why, and no longer counts as active", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const first = await generateWith(manager, { name: "First" });
    const second = await generateWith(manager, { name: "Second" });
    const expired = await generateWith(manager, { name: "Expired" });
    await setExpiryInDatabase(t, expired.id, new Date(Date.now() - dayMs));
    expect(await userOf(account.admin, manager.userId)).toMatchObject({
      activeKeyCount: 2,
      suspendedKeyCount: 0,
    });

    const removed = await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect(removed.json()).toMatchObject({ activeKeyCount: 0, suspendedKeyCount: 2 });
    for (const key of [first, second]) {
      expect(await getKey(account.admin, key.id)).toMatchObject({
        status: "suspended",
        suspendedReason: "owner_lost_access",
      });
      const error = await expectRefused(
        t,
        await integration(t).call(key.secret),
        "GET /api/v1/key",
        401,
        "api_access_disabled",
      );
      expect(error.message).toMatch(/suspended/);
    }
    expect(await filtered(account.admin, "suspended")).toEqual([first.id, second.id, expired.id].sort());
    expect(await filtered(account.admin, "active")).toEqual([]);

    const granted = await account.admin.request("POST", `/console/api/users/${manager.userId}/api-access`);
    expect(granted.statusCode, granted.body).toBe(200);
    expect(granted.json()).toMatchObject({ activeKeyCount: 2, suspendedKeyCount: 0 });
    expect(await getKey(account.admin, first.id)).toMatchObject({ status: "active", suspendedReason: null });
    expect(await getKey(account.admin, expired.id)).toMatchObject({ status: "expired" });
    expect((await integration(t).call(first.secret)).statusCode).toBe(200);
  });

  it("shows as Suspended because its owner was deactivated", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const { id } = await generateWith(manager, {});
    const deactivated = await account.admin.request(
      "POST",
      `/console/api/users/${manager.userId}/deactivate`,
    );
    expect(deactivated.statusCode, deactivated.body).toBe(200);
    expect(deactivated.json()).toMatchObject({ activeKeyCount: 0, suspendedKeyCount: 1 });
    const [listed] = await listKeys(account.admin, "status=suspended");
    expect(listed).toMatchObject({ id, status: "suspended", suspendedReason: "owner_deactivated" });
  });
});

describe("The key list", () => {
  it("gives every key the one status that is true of it, and each filter lists exactly those keys", async () => {
    const account = await createTestAccount(t);
    const { admin } = account;
    const manager = await account.addManager({ apiAccess: true });
    const active = await generateWith(admin, { name: "Active", expiresIn: "30d" });
    const soon = await generateWith(admin, { name: "Expiring soon", expiresIn: "2d" });
    const expired = await generateWith(admin, { name: "Expired", expiresIn: "30d" });
    await setExpiryInDatabase(t, expired.id, new Date(Date.now() - dayMs));
    const rolled = await generateWith(admin, { name: "Rolled" });
    await rollOk(admin, rolled.id, "24h");
    const revoked = await generateWith(admin, { name: "Revoked" });
    expect((await admin.request("POST", `/console/api/keys/${revoked.id}/revoke`)).statusCode).toBe(200);
    const suspended = await generateWith(manager, { name: "Suspended" });
    expect(
      (await admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`)).statusCode,
    ).toBe(200);

    const statuses = Object.fromEntries(
      (await listKeys(admin, "status=all")).map((key) => [key.name, key.status]),
    );
    expect(statuses).toEqual({
      Active: "active",
      "Expiring soon": "expiring_soon",
      Expired: "expired",
      Rolled: "rolled",
      Revoked: "revoked",
      Suspended: "suspended",
    });
    const ids = (...keys: { id: string }[]) => keys.map((key) => key.id).sort();
    // Current: everything not revoked (the default); active: every key that works now.
    expect(await filtered(admin, "current")).toEqual(ids(active, soon, expired, rolled, suspended));
    expect((await listKeys(admin)).map((key) => key.id).sort()).toEqual(
      ids(active, soon, expired, rolled, suspended),
    );
    expect(await filtered(admin, "active")).toEqual(ids(active, soon, rolled));
    expect(await filtered(admin, "expiring")).toEqual(ids(soon));
    expect(await filtered(admin, "expired")).toEqual(ids(expired));
    expect(await filtered(admin, "suspended")).toEqual(ids(suspended));
    expect(await filtered(admin, "revoked")).toEqual(ids(revoked));
  });

  it("filters by owner, and a Manager sees only their own keys whatever the filter", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const own = await generateWith(manager, {});
    const admins = await generateWith(account.admin, {});
    expect(await listKeys(account.admin, `ownerId=${manager.userId}`)).toMatchObject([{ id: own.id }]);
    expect((await listKeys(account.admin, `ownerId=${account.admin.userId}`)).map((key) => key.id)).toEqual([
      admins.id,
    ]);
    expect((await listKeys(manager, `ownerId=${account.admin.userId}`)).map((key) => key.id)).toEqual([]);
    expect((await listKeys(manager, "status=all")).map((key) => key.id)).toEqual([own.id]);
  });

  it("refuses an unknown status filter, naming it", async () => {
    const { admin } = await createTestAccount(t);
    const error = await expectRefused(
      t,
      await admin.request("GET", "/console/api/keys?status=rolled"),
      "GET /console/api/keys",
      400,
      "invalid_request",
    );
    expect(error.message).toContain("status");
  });
});

describe("GET /api/v1/key", () => {
  it("tells an integration its key's status, expiry and effective permissions", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const { id, secret, key } = await generateWith(manager, {
      name: "Warehouse sync",
      permissions: { all: true },
      expiresIn: "60d",
    });
    const ceiling = { all: false, sections: { orders: "write" } };
    const lowered = await account.admin.request(
      "PUT",
      `/console/api/users/${manager.userId}/permission-ceiling`,
      {
        ceiling,
      },
    );
    expect(lowered.statusCode, lowered.body).toBe(200);
    const response = await integration(t).call(secret);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      id,
      name: "Warehouse sync",
      status: "active",
      permissions: ceiling,
      permissionsSummary: "Orders (read & write)",
      expiresAt: key.expiresAt,
      secretValidUntil: null,
    });
    expect(response.body).not.toContain(secret);
  });
});
