import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AuditEventView } from "../../src/audit/list-audit-events.js";
import { findUserByEmail } from "../../src/users/list-users.js";
import type { UserView } from "../../src/users/user-view.js";
import { testPassword } from "../support/accounts.js";
import { jsonOutput, runCli } from "../support/cli.js";
import { uniqueEmail } from "../support/test-app.js";
import { expectRefused, expectSucceeded, setUpCliDatabase } from "./cli-database.js";

const db = setUpCliDatabase();

describe("keyward --help", () => {
  it("lists the commands and exits 0", async () => {
    const result = await db.cli("--help");
    expectSucceeded(result);
    for (const command of ["serve", "migrate", "accounts", "users", "keys", "audit"]) {
      expect(result.stdout).toContain(command);
    }
  });
});

describe("keyward migrate", () => {
  it("brings a fresh database up to date", async () => {
    const fresh = join(db.dir, "fresh.db");
    const result = await runCli(fresh, ["migrate", "--json"]);
    expectSucceeded(result);
    const { applied, database } = jsonOutput<{ applied: string[]; database: string }>(result);
    expect(applied).toEqual(expect.arrayContaining(["0001-core", "0002-marketplace"]));
    expect(database).toBe(fresh);
  });
});

describe("keyward accounts create", () => {
  it("creates an account with its first Administrator", async () => {
    const adminEmail = uniqueEmail("cli-admin");
    const created = await db.cli(
      "accounts",
      "create",
      "--name",
      "CLI Market",
      "--admin-email",
      adminEmail,
      "--admin-password",
      testPassword,
      "--json",
    );
    expectSucceeded(created);
    const result = jsonOutput<{ account: { id: string; name: string }; administrator: UserView }>(created);
    expect(result.account.name).toBe("CLI Market");
    expect(result.administrator).toMatchObject({
      email: adminEmail,
      role: "administrator",
      hasApiAccess: true,
    });
    expect(created.stdout).not.toContain(testPassword);
    const admin = await findUserByEmail(db.ctx().db, adminEmail);
    expect(admin).toMatchObject({ account_id: result.account.id, role: "administrator" });
  });
});

describe("keyward users create", () => {
  it("adds a Marketplace Manager without API access unless --api-access is given", async () => {
    const account = await db.seedAccount();
    const withoutEmail = uniqueEmail("no-access");
    const withEmail = uniqueEmail("with-access");
    const common = ["--role", "marketplace_manager", "--password", testPassword, "--json"];
    // One after the other: see concurrent-writes.test.ts for what two writers at once do today.
    const without = await db.cli(
      "users",
      "create",
      "--account",
      account.accountId,
      "--email",
      withoutEmail,
      ...common,
    );
    const withAccess = await db.cli(
      "users",
      "create",
      "--account",
      account.name,
      "--email",
      withEmail,
      ...common,
      "--api-access",
    );

    expectSucceeded(without);
    expect(jsonOutput<{ user: UserView }>(without).user).toMatchObject({
      email: withoutEmail,
      role: "marketplace_manager",
      hasApiAccess: false,
    });
    expectSucceeded(withAccess);
    expect(jsonOutput<{ user: UserView }>(withAccess).user).toMatchObject({
      email: withEmail,
      hasApiAccess: true,
    });
    expect((await findUserByEmail(db.ctx().db, withEmail))?.account_id).toBe(account.accountId);
  });

  it("refuses a bad role with a one-line reason, and creates no one", async () => {
    const account = await db.seedAccount();
    const email = uniqueEmail("bad-role");
    const result = await db.cli(
      "users",
      "create",
      "--account",
      account.accountId,
      "--email",
      email,
      "--role",
      "owner",
      "--password",
      testPassword,
    );
    expectRefused(result, /role/i);
    expect(await findUserByEmail(db.ctx().db, email)).toBeUndefined();
  });
});

describe("keyward users api-access", () => {
  it("grants and removes a Marketplace Manager's API access", async () => {
    const account = await db.seedAccount({ managerApiAccess: false });
    const granted = await db.cli("users", "api-access", "grant", "--email", account.managerEmail, "--json");
    expectSucceeded(granted);
    expect(jsonOutput<{ user: UserView }>(granted).user).toMatchObject({ hasApiAccess: true });
    expect((await findUserByEmail(db.ctx().db, account.managerEmail))?.api_access_granted_at).not.toBeNull();

    const removed = await db.cli("users", "api-access", "remove", "--email", account.managerEmail, "--json");
    expectSucceeded(removed);
    expect(jsonOutput<{ user: UserView }>(removed).user).toMatchObject({ hasApiAccess: false });
    expect((await findUserByEmail(db.ctx().db, account.managerEmail))?.api_access_granted_at).toBeNull();
  });
});

describe("keyward users deactivate", () => {
  it("refuses to deactivate the last active Administrator, who stays active", async () => {
    const account = await db.seedAccount();
    const result = await db.cli("users", "deactivate", "--email", account.adminEmail);
    expectRefused(result, /last active Administrator/);
    expect((await findUserByEmail(db.ctx().db, account.adminEmail))?.deactivated_at).toBeNull();
  });
});

describe("keyward audit", () => {
  it("prints the account's events newest first, without any secret", async () => {
    const account = await db.seedAccount({ managerApiAccess: true });
    const first = await db.seedKey(account.adminEmail, "First");
    const second = await db.seedKey(account.managerEmail, "Second");

    const result = await db.cli("audit", "--account", account.name, "--json");
    expectSucceeded(result);
    const events = jsonOutput<{ items: AuditEventView[] }>(result).items;
    expect(events.slice(0, 2).map((event) => [event.action, event.target.id])).toEqual([
      ["api_key.created", second.key.id],
      ["api_key.created", first.key.id],
    ]);
    expect(events.at(-1)).toMatchObject({ action: "account.created" });
    expect(events.map((event) => event.action)).toContain("user.created");
    for (const secret of [first.secret, second.secret, testPassword]) {
      expect(result.stdout).not.toContain(secret);
    }
  });
});
