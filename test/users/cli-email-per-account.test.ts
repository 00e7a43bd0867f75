import { describe, expect, it } from "vitest";
import { createUser } from "../../src/users/create-user.js";
import { findUsersByEmail } from "../../src/users/list-users.js";
import { expectRefused, expectSucceeded } from "../cli/cli-database.js";
import { testPassword } from "../support/accounts.js";
import { jsonOutput } from "../support/cli.js";
import { uniqueEmail } from "../support/test-app.js";
import { cliTestKit, setUpUsersDatabase, slowCli } from "./support.js";

const db = setUpUsersDatabase();
const { cli, canSignIn, seedAccount, usersWithEmail } = cliTestKit(db);
const newPassword = "set-by-the-operator-2026";

describe("An email that is a user in several accounts, on the command line", slowCli, () => {
  async function sharedEmail() {
    const email = uniqueEmail("shared");
    const first = await seedAccount(email);
    const second = await seedAccount();
    await createUser(db.ctx(), {
      actor: { type: "operator", accountId: second.id, ip: null },
      user: { email, name: "Shared", role: "administrator", password: testPassword },
    });
    return { email, first, second };
  }

  it("asks for --account on every command that takes the email, naming the accounts, and changes nothing", async () => {
    const { email, first, second } = await sharedEmail();
    const commands = [
      ["users", "set-password", "--email", email, "--password-stdin"],
      ["users", "deactivate", "--email", email],
      ["users", "api-access", "grant", "--email", email],
      ["keys", "create", "--owner", email, "--name", "Nightly export", "--permissions", "all"],
      ["keys", "revoke", "--id", "key_x", "--by", email],
    ];
    for (const args of commands) {
      const result = await cli(args, { input: "set-by-the-operator-2026" });
      expectRefused(result, /is a user in several accounts: .*Add --account with one of them\./);
      expect(result.stderr).toContain(first.id);
      expect(result.stderr).toContain(second.id);
    }
    const users = await usersWithEmail(email);
    expect(users.map((user) => user.deactivated_at)).toEqual([null, null]);
    expect(await canSignIn(email, testPassword, first.id)).toBe(true);
    const keys = await db
      .ctx()
      .db.selectFrom("api_keys")
      .select("id")
      .where(
        "owner_user_id",
        "in",
        users.map((u) => u.id),
      )
      .execute();
    expect(keys).toEqual([]);
  });

  it("acts on the user of the account named with --account, and only on that one", async () => {
    const { email, first, second } = await sharedEmail();
    expectSucceeded(
      await cli(["users", "set-password", "--email", email, "--account", second.name, "--password-stdin"], {
        input: newPassword,
      }),
    );
    expect(await canSignIn(email, newPassword, second.id)).toBe(true);
    expect(await canSignIn(email, testPassword, first.id)).toBe(true);
    const created = await cli([
      "keys",
      "create",
      "--owner",
      email,
      "--account",
      first.id,
      "--name",
      "Export",
      "--permissions",
      "all",
      "--json",
    ]);
    expectSucceeded(created);
    expect(jsonOutput<{ key: { owner: { email: string } } }>(created).key.owner.email).toBe(email);
    const [inFirst] = await findUsersByEmail(db.ctx().db, { email, account: first.id });
    const keys = await db
      .ctx()
      .db.selectFrom("api_keys")
      .select("account_id")
      .where("owner_user_id", "=", inFirst?.id ?? "")
      .execute();
    expect(keys).toEqual([{ account_id: first.id }]);
  });
});
