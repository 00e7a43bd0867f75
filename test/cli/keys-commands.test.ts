import { describe, expect, it } from "vitest";
import { hashKey } from "../../src/keys/key-format.js";
import type { ApiKeyView } from "../../src/keys/key-view.js";
import { jsonOutput } from "../support/cli.js";
import { uniqueEmail } from "../support/test-app.js";
import { expectRefused, expectSucceeded, type SeededAccount, setUpCliDatabase } from "./cli-database.js";

const db = setUpCliDatabase();

async function keyRow(keyId: string) {
  return db.ctx().db.selectFrom("api_keys").selectAll().where("id", "=", keyId).executeTakeFirstOrThrow();
}

async function keyCount(accountId: string): Promise<number> {
  const rows = await db
    .ctx()
    .db.selectFrom("api_keys")
    .select("id")
    .where("account_id", "=", accountId)
    .execute();
  return rows.length;
}

describe("keyward keys create and keys list", () => {
  it("prints the new key once; keys list never shows it, by account id or by name", async () => {
    const account = await db.seedAccount({ managerApiAccess: true });
    const created = await db.cli(
      "keys",
      "create",
      "--owner",
      account.managerEmail,
      "--name",
      "CLI export",
      "--permissions",
      "reporting:read,orders:write",
      "--json",
    );
    expectSucceeded(created);
    const { key, secret } = jsonOutput<{ key: ApiKeyView; secret: string }>(created);
    expect(secret).toMatch(/^mpk_[0-9A-Za-z]{36}$/);
    expect(key).toMatchObject({
      name: "CLI export",
      permissions: { all: false, sections: { reporting: "read", orders: "write" } },
      owner: { email: account.managerEmail },
      status: "active",
    });
    // The printed key is the real one: its hash is what was stored.
    expect((await keyRow(key.id)).key_hash).toBe(hashKey(secret));

    const [byId, byName] = await Promise.all([
      db.cli("keys", "list", "--account", account.accountId, "--json"),
      db.cli("keys", "list", "--account", account.name),
    ]);
    expectSucceeded(byId);
    expect(jsonOutput<{ items: ApiKeyView[] }>(byId).items.map((item) => item.id)).toEqual([key.id]);
    expectSucceeded(byName);
    expect(byName.stdout).toContain(key.id);
    expect(byName.stdout).toContain(key.hint);
    for (const output of [byId.stdout, byName.stdout]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(secret.slice(4));
    }
  });

  it.each([
    [
      "write on Payouts",
      (a: SeededAccount) => ["--owner", a.adminEmail, "--permissions", "payouts:write"],
      /Payouts/,
    ],
    ["an unknown --owner", () => ["--owner", uniqueEmail("nobody"), "--permissions", "all"], /--owner/],
  ])("refuses %s with a one-line reason, and creates no key", async (_label, args, reason) => {
    const account = await db.seedAccount();
    const result = await db.cli("keys", "create", "--name", "Refused", ...args(account), "--json");
    expectRefused(result, reason);
    expect(jsonOutput<{ error: { code: string; message: string } }>(result).error.message).toMatch(reason);
    expect(await keyCount(account.accountId)).toBe(0);
  });
});

describe("keyward keys revoke", () => {
  it("revokes a key for an Administrator, and refuses a Manager, leaving the key active", async () => {
    const account = await db.seedAccount({ managerApiAccess: true });
    const { key } = await db.seedKey(account.managerEmail, "Manager's own key");

    const byManager = await db.cli("keys", "revoke", "--id", key.id, "--by", account.managerEmail);
    expectRefused(byManager, /Administrator/);
    expect((await keyRow(key.id)).revoked_at).toBeNull();

    const byAdmin = await db.cli("keys", "revoke", "--id", key.id, "--by", account.adminEmail, "--json");
    expectSucceeded(byAdmin);
    expect(jsonOutput<{ key: ApiKeyView }>(byAdmin).key).toMatchObject({
      id: key.id,
      status: "revoked",
      revokedBy: { email: account.adminEmail },
    });
    expect((await keyRow(key.id)).revoked_at).not.toBeNull();
  });
});
