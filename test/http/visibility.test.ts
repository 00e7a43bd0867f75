import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKeyView } from "../../src/keys/key-view.js";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { expectError, getKey, listKeys, reportingRead } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const ids = (keys: ApiKeyView[]) => keys.map((key) => key.id).sort();

describe("Who sees which keys", () => {
  it("shows an Administrator every key of the account, including the Managers'", async () => {
    const account = await createTestAccount(t);
    const secondAdmin = await account.addAdministrator();
    const manager = await account.addManager({ apiAccess: true });
    const adminKey = await generateKey(account.admin, reportingRead, "Admin's");
    const managerKey = await generateKey(manager, reportingRead, "Manager's");
    const otherAdminKey = await generateKey(secondAdmin, reportingRead, "Second admin's");

    const expected = [adminKey.id, managerKey.id, otherAdminKey.id].sort();
    expect(ids(await listKeys(account.admin))).toEqual(expected);
    expect(ids(await listKeys(secondAdmin))).toEqual(expected);
    expect((await getKey(account.admin, managerKey.id)).owner).toMatchObject({
      id: manager.userId,
      email: manager.email,
    });
  });

  it("shows a Marketplace Manager only their own keys", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const colleague = await account.addManager({ apiAccess: true });
    const own = await generateKey(manager, reportingRead, "Own");
    const adminKey = await generateKey(account.admin, reportingRead, "Admin's");
    const colleagueKey = await generateKey(colleague, reportingRead, "Colleague's");
    const colleagueRevoked = await generateKey(colleague, reportingRead, "Colleague's old");
    await account.admin.request("POST", `/console/api/keys/${colleagueRevoked.id}/revoke`);

    expect(ids(await listKeys(manager))).toEqual([own.id]);
    expect(ids(await listKeys(manager, "all"))).toEqual([own.id]);
    expect(await listKeys(manager, "revoked")).toEqual([]);
    expect(ids(await listKeys(colleague, "all"))).toEqual([colleagueKey.id, colleagueRevoked.id].sort());

    for (const other of [adminKey, colleagueKey, colleagueRevoked]) {
      expectError(await manager.request("GET", `/console/api/keys/${other.id}`), 404, "not_found");
      expectError(
        await manager.request("PATCH", `/console/api/keys/${other.id}`, { name: "Mine now" }),
        404,
        "not_found",
      );
    }
    expect((await getKey(account.admin, adminKey.id)).name).toBe("Admin's");
    expect((await getKey(account.admin, colleagueKey.id)).name).toBe("Colleague's");
  });

  it("answers the same 404 for another user's key as for a key that does not exist", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const adminKey = await generateKey(account.admin, reportingRead);
    const hidden = expectError(
      await manager.request("GET", `/console/api/keys/${adminKey.id}`),
      404,
      "not_found",
    );
    const missing = expectError(
      await manager.request("GET", "/console/api/keys/key_00000000000000000000000000"),
      404,
      "not_found",
    );
    expect(hidden.message).toBe(missing.message);
  });

  it("pages through the list newest first with nextCursor", async () => {
    const account = await createTestAccount(t);
    const created: string[] = [];
    for (let i = 0; i < 5; i++)
      created.push((await generateKey(account.admin, reportingRead, `Key ${i}`)).id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const response = await account.admin.request("GET", `/console/api/keys?limit=2${query}`);
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json() as { items: ApiKeyView[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((key) => key.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 10);

    expect(pages).toBe(3);
    expect(seen).toEqual([...created].reverse());
  });
});
