import { describe, expect, it } from "vitest";
import type { AccountPolicy } from "../../src/accounts/account-policy.js";
import type { ApiKeyView } from "../../src/keys/key-view.js";
import type { UserView } from "../../src/users/user-view.js";
import { jsonOutput } from "../support/cli.js";
import { expectRefused, expectSucceeded, setUpCliDatabase } from "./cli-database.js";

// Key hygiene and usage from the command line: the same domain operations as the console, so these
// tests check the CLI's own part — options parsed, JSON printed once, bad input refused in one line.
const db = setUpCliDatabase();

async function keyRow(keyId: string) {
  return db.ctx().db.selectFrom("api_keys").selectAll().where("id", "=", keyId).executeTakeFirstOrThrow();
}

describe("keyward keys create, update and roll", () => {
  it("creates a key with an expiry, an allowlist and a rate limit, and edits each", async () => {
    const account = await db.seedAccount();
    const created = await db.cli(
      "keys",
      "create",
      "--owner",
      account.adminEmail,
      "--name",
      "Nightly export",
      "--permissions",
      "reporting:read",
      "--expires-in",
      "30d",
      "--allow-ip",
      "203.0.113.7,10.0.0.0/8",
      "--rate-limit",
      "100/min",
      "--json",
    );
    expectSucceeded(created);
    const { key } = jsonOutput<{ key: ApiKeyView; secret: string }>(created);
    expect(key.allowedIps).toEqual(["203.0.113.7", "10.0.0.0/8"]);
    expect(key.rateLimit).toBe("100/min");
    expect(Date.parse(key.expiresAt ?? "") - Date.now()).toBeGreaterThan(29 * 86_400_000);

    const updated = await db.cli(
      "keys",
      "update",
      "--id",
      key.id,
      "--by",
      account.adminEmail,
      "--allow-ip",
      "any",
      "--rate-limit",
      "none",
      "--expires-in",
      "never",
      "--json",
    );
    expectSucceeded(updated);
    expect(jsonOutput<{ key: ApiKeyView }>(updated).key).toMatchObject({
      allowedIps: null,
      rateLimit: null,
      expiresAt: null,
    });
  });

  it("refuses a duration it can't read in one line, and creates nothing", async () => {
    const account = await db.seedAccount();
    const before = await db
      .ctx()
      .db.selectFrom("api_keys")
      .select("id")
      .where("account_id", "=", account.accountId)
      .execute();
    const refused = await db.cli(
      "keys",
      "create",
      "--owner",
      account.adminEmail,
      "--name",
      "Bad",
      "--permissions",
      "all",
      "--expires-in",
      "soon",
    );
    expectRefused(refused, /expiresIn: "soon" is not a duration/);
    const after = await db
      .ctx()
      .db.selectFrom("api_keys")
      .select("id")
      .where("account_id", "=", account.accountId)
      .execute();
    expect(after).toHaveLength(before.length);
  });

  it("rolls a key: prints the new secret once, and the old one keeps working for the grace period", async () => {
    const account = await db.seedAccount();
    const seeded = await db.seedKey(account.adminEmail);
    const rolled = await db.cli(
      "keys",
      "roll",
      "--id",
      seeded.key.id,
      "--by",
      account.adminEmail,
      "--grace",
      "1h",
      "--json",
    );
    expectSucceeded(rolled);
    const { key, secret } = jsonOutput<{ key: ApiKeyView; secret: string }>(rolled);
    expect(secret).toMatch(/^mpk_[0-9A-Za-z]{36}$/);
    expect(secret).not.toBe(seeded.secret);
    expect(key.id).toBe(seeded.key.id);
    expect(Date.parse(key.previousKeyValidUntil ?? "") - Date.now()).toBeGreaterThan(59 * 60_000);
    const row = await keyRow(seeded.key.id);
    expect(row.previous_key_hash).not.toBeNull();
    const listed = await db.cli("keys", "list", "--account", account.accountId, "--json");
    expect(listed.stdout).not.toContain(secret);
  });
});

describe("keyward keys list --status", () => {
  it("shows a key whose owner lost API access as suspended, and only with the suspended filter", async () => {
    const account = await db.seedAccount({ managerApiAccess: true });
    const key = await db.seedKey(account.managerEmail, "Manager's key", {
      all: false,
      sections: { reporting: "read" },
    });
    expectSucceeded(await db.cli("users", "api-access", "remove", "--email", account.managerEmail));
    const suspended = jsonOutput<{ items: ApiKeyView[] }>(
      await db.cli("keys", "list", "--account", account.accountId, "--status", "suspended", "--json"),
    );
    expect(suspended.items.map((item) => [item.id, item.status, item.suspendedReason])).toEqual([
      [key.key.id, "suspended", "owner_lost_access"],
    ]);
    const active = jsonOutput<{ items: ApiKeyView[] }>(
      await db.cli("keys", "list", "--account", account.accountId, "--status", "active", "--json"),
    );
    expect(active.items.map((item) => item.id)).not.toContain(key.key.id);
    expectRefused(
      await db.cli("keys", "list", "--account", account.accountId, "--status", "sleeping"),
      /--status: must be one of/,
    );
  });
});

describe("keyward users api-access grant --ceiling and accounts set-policy", () => {
  it("grants a Manager API access within a ceiling their keys can't exceed", async () => {
    const account = await db.seedAccount();
    const granted = await db.cli(
      "users",
      "api-access",
      "grant",
      "--email",
      account.managerEmail,
      "--ceiling",
      "reporting:read",
      "--json",
    );
    expectSucceeded(granted);
    expect(jsonOutput<{ user: UserView }>(granted).user.permissionCeiling).toEqual({
      all: false,
      sections: { reporting: "read" },
    });
    const beyond = await db.cli(
      "keys",
      "create",
      "--owner",
      account.managerEmail,
      "--name",
      "Too much",
      "--permissions",
      "orders:read",
    );
    expectRefused(beyond, /can't have the orders:read permission/);
    expectRefused(
      await db.cli(
        "users",
        "api-access",
        "grant",
        "--email",
        account.managerEmail,
        "--ceiling",
        "orders:delete",
      ),
      /--ceiling: "orders:delete" must be section:read or section:write/,
    );
  });

  it("sets the key policy, and refuses a default longer than the maximum without changing it", async () => {
    const account = await db.seedAccount();
    const set = await db.cli(
      "accounts",
      "set-policy",
      "--account",
      account.accountId,
      "--max-key-lifetime",
      "90d",
      "--default-key-lifetime",
      "30d",
      "--default-rate-limit",
      "600/min",
      "--json",
    );
    expectSucceeded(set);
    expect(jsonOutput<{ policy: AccountPolicy }>(set).policy).toEqual({
      maxKeyLifetime: "90d",
      defaultKeyLifetime: "30d",
      defaultRateLimit: "600/min",
    });
    const refused = await db.cli(
      "accounts",
      "set-policy",
      "--account",
      account.accountId,
      "--default-key-lifetime",
      "120d",
    );
    expectRefused(refused, /defaultKeyLifetime: must be at most the maximum key lifetime \(90d\)/);
    const row = await db
      .ctx()
      .db.selectFrom("accounts")
      .selectAll()
      .where("id", "=", account.accountId)
      .executeTakeFirstOrThrow();
    expect(row.default_key_lifetime_seconds).toBe(30 * 86_400);
  });
});

describe("keyward keys usage and keys advice", () => {
  it("prints a key's totals, and advice for a key that holds more than it used", async () => {
    const account = await db.seedAccount();
    const seeded = await db.seedKey(account.adminEmail, "Over-privileged");
    const now = new Date();
    const bucket = new Date(Math.floor(now.getTime() / 86_400_000) * 86_400_000).toISOString();
    const row = {
      account_id: account.accountId,
      key_id: seeded.key.id,
      route: "GET /api/v1/reports/sales",
      permission: "reporting:read",
      authorized: 1,
    };
    await db
      .ctx()
      .db.insertInto("usage_day")
      .values([
        { ...row, bucket, status_class: "2xx", requests: 40 },
        { ...row, bucket, status_class: "4xx", requests: 2 },
      ])
      .execute();
    await db
      .ctx()
      .db.insertInto("usage_hour")
      .values([
        {
          ...row,
          bucket: new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000).toISOString(),
          status_class: "2xx",
          requests: 40,
        },
      ])
      .execute();

    const usage = await db.cli("keys", "usage", "--id", seeded.key.id, "--since", "24h", "--json");
    expectSucceeded(usage);
    expect(jsonOutput<{ requests: number; byStatusClass: Record<string, number> }>(usage)).toMatchObject({
      requests: 40,
      byStatusClass: { "2xx": 40, "4xx": 0 },
    });
    const advice = await db.cli("keys", "advice", "--account", account.accountId, "--json");
    expectSucceeded(advice);
    const items = jsonOutput<{ items: { keyId: string; suggestion: unknown; exercisedSummary: string }[] }>(
      advice,
    ).items;
    expect(items.find((item) => item.keyId === seeded.key.id)).toMatchObject({
      suggestion: { all: false, sections: { reporting: "read" } },
      exercisedSummary: "Used only Reporting (read) in the last 30 days",
    });
    expectRefused(
      await db.cli("keys", "usage", "--id", seeded.key.id, "--since", "1y"),
      /--since: must be one of/,
    );
  });
});
