import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import {
  auditCount,
  auditOf,
  dayMs,
  expectRefused,
  generateWith,
  integration,
  keyRow,
  listKeys,
  rollKey,
  rollOk,
  setExpiryInDatabase,
} from "./support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const roll = "POST /console/api/keys/{id}/roll";
const callingKey = "GET /api/v1/key";

/** A key generated `lifetimeDays` before it expired, which was yesterday. */
async function expiredYesterday(keyId: string, lifetimeDays: number): Promise<Date> {
  const expiredAt = new Date(Date.now() - dayMs);
  await t.database.db
    .updateTable("api_keys")
    .set({ created_at: new Date(expiredAt.getTime() - lifetimeDays * dayMs).toISOString() })
    .where("id", "=", keyId)
    .execute();
  await setExpiryInDatabase(t, keyId, expiredAt);
  return expiredAt;
}

describe("Who may roll a key", () => {
  it("lets a Manager roll their own key and an Administrator roll a Manager's", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const own = await generateWith(manager, {});
    const byOwner = await rollOk(manager, own.id, "1h");
    expect(byOwner.key.owner.id).toBe(manager.userId);
    const byAdmin = await rollOk(account.admin, own.id, "0");
    expect((await integration(t).call(byAdmin.secret)).json()).toMatchObject({ id: own.id });
  });

  it("does not let a Manager roll someone else's key, which keeps its secret", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const colleague = await account.addManager({ apiAccess: true });
    const theirs = await generateWith(colleague, {});
    const admins = await generateWith(account.admin, {});
    const events = await auditCount(t, account.accountId);
    for (const key of [theirs, admins]) {
      const row = await keyRow(t, key.id);
      await expectRefused(t, await rollKey(manager, key.id, "0"), roll, 404, "not_found");
      expect(await keyRow(t, key.id)).toEqual(row);
      expect((await integration(t).call(key.secret)).statusCode).toBe(200);
    }
    expect(await auditCount(t, account.accountId)).toBe(events);
  });

  it("does not let a Manager without API access roll their own key", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const own = await generateWith(manager, {});
    const removed = await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`);
    expect(removed.statusCode, removed.body).toBe(200);
    const row = await keyRow(t, own.id);
    await expectRefused(t, await rollKey(manager, own.id, "0"), roll, 403, "api_access_required");
    expect(await keyRow(t, own.id)).toEqual(row);
  });

  it("refuses to roll a revoked key, which stays revoked with its old secret", async () => {
    const account = await createTestAccount(t);
    const created = await generateWith(account.admin, {});
    const revoked = await account.admin.request("POST", `/console/api/keys/${created.id}/revoke`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    const row = await keyRow(t, created.id);
    const events = await auditCount(t, account.accountId);

    const error = await expectRefused(
      t,
      await rollKey(account.admin, created.id, "1h"),
      roll,
      409,
      "conflict",
    );
    expect(error.message).toMatch(/revoked/);
    expect(await keyRow(t, created.id)).toEqual(row);
    expect(await auditCount(t, account.accountId)).toBe(events);
    await expectRefused(t, await integration(t).call(created.secret), callingKey, 401, "revoked_api_key");
  });

  it("answers 404 for a key that does not exist", async () => {
    const { admin } = await createTestAccount(t);
    await expectRefused(
      t,
      await rollKey(admin, "key_00000000000000000000000000", "0"),
      roll,
      404,
      "not_found",
    );
  });
});

describe("Rolls in the key list", () => {
  it("show which keys have an old secret in grace, and filter with the current keys", async () => {
    const { admin } = await createTestAccount(t);
    const rolled = await generateWith(admin, { name: "Rolled" });
    await generateWith(admin, { name: "Untouched" });
    const { key } = await rollOk(admin, rolled.id, "7d");
    const listed = Object.fromEntries((await listKeys(admin)).map((item) => [item.name, item]));
    expect(listed.Rolled).toMatchObject({
      status: "rolled",
      previousKeyHint: rolled.key.hint,
      previousKeyValidUntil: key.previousKeyValidUntil,
    });
    expect(listed.Untouched).toMatchObject({ status: "active", rolledAt: null, previousKeyHint: null });
  });
});

describe("Rolling an expired key", () => {
  it("gives it a new secret that works for the lifetime it had, while the expired secret stays refused", async () => {
    const { admin } = await createTestAccount(t);
    const client = integration(t);
    const created = await generateWith(admin, { expiresIn: "30d" });
    const lifetime = 30 * dayMs;
    const expiredAt = await expiredYesterday(created.id, 30);
    await expectRefused(t, await client.call(created.secret), callingKey, 401, "expired_api_key");

    const before = Date.now();
    // A grace period can't bring an expired secret back.
    const { key, secret } = await rollOk(admin, created.id, "1h");
    expect(key.status).toBe("active");
    expect(Date.parse(key.expiresAt ?? "")).toBeGreaterThanOrEqual(before + lifetime);
    expect(Date.parse(key.expiresAt ?? "")).toBeLessThanOrEqual(Date.now() + lifetime);
    expect((await client.call(secret)).json()).toMatchObject({ status: "active", expiresAt: key.expiresAt });
    const refused = await client.call(created.secret);
    expect(refused.statusCode, refused.body).toBe(401);

    const [event] = await auditOf(admin, "api_key.rolled", created.id);
    expect(event?.details).toMatchObject({
      revived: true,
      before: { expiresAt: expiredAt.toISOString() },
      after: { expiresAt: key.expiresAt },
    });
  });

  it("renews it for no longer than the account's maximum", async () => {
    const { admin } = await createTestAccount(t);
    const created = await generateWith(admin, { expiresIn: "90d" });
    await expiredYesterday(created.id, 90);
    const policy = await admin.request("PATCH", "/console/api/account/policy", {
      maxKeyLifetime: "30d",
      defaultKeyLifetime: "30d",
    });
    expect(policy.statusCode, policy.body).toBe(200);

    const { key } = await rollOk(admin, created.id, "0");
    const expiresAt = Date.parse(key.expiresAt ?? "");
    expect(expiresAt).toBeGreaterThan(Date.now() + 29 * dayMs);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * dayMs);
    expect(key).toMatchObject({ status: "active", exceedsPolicy: false });
  });
});
