import { describe, expect, it } from "vitest";
import { listAuditEvents } from "../../src/audit/list-audit-events.js";
import { signIn } from "../../src/sessions/sign-in.js";
import { expectRefused, expectSucceeded } from "../cli/cli-database.js";
import { testPassword } from "../support/accounts.js";
import { jsonOutput } from "../support/cli.js";
import { uniqueEmail } from "../support/test-app.js";
import { cliTestKit, runKeywardInTerminal, setUpUsersDatabase, slowCli } from "./support.js";

const db = setUpUsersDatabase();
const { cli, canSignIn, seedAccount, usersWithEmail } = cliTestKit(db);
const typedPassword = "typed-in-a-terminal-2026";

describe("Passwords off the command line", slowCli, () => {
  it("creates an account with the first Administrator's password from --admin-password-stdin", async () => {
    const adminEmail = uniqueEmail("stdin-admin");
    const result = await cli(
      ["accounts", "create", "--name", "Stdin Market", "--admin-email", adminEmail, "--admin-password-stdin"],
      { input: `${testPassword}\n` },
    );
    expectSucceeded(result);
    expect(result.stdout).not.toContain(testPassword);
    expect(await canSignIn(adminEmail, testPassword)).toBe(true);
  });

  it("creates an account with the password from KEYWARD_ADMIN_PASSWORD", async () => {
    const adminEmail = uniqueEmail("env-admin");
    const result = await cli(["accounts", "create", "--name", "Env Market", "--admin-email", adminEmail], {
      env: { KEYWARD_ADMIN_PASSWORD: testPassword },
    });
    expectSucceeded(result);
    expect(await canSignIn(adminEmail, testPassword)).toBe(true);
  });

  it("creates a user with the password from --password-stdin, without its final newline", async () => {
    const account = await seedAccount();
    const email = uniqueEmail("stdin-user");
    const args = [
      "users",
      "create",
      "--account",
      account.id,
      "--email",
      email,
      "--role",
      "marketplace_manager",
    ];
    expectSucceeded(await cli([...args, "--password-stdin"], { input: `${testPassword}\r\n` }));
    expect(await canSignIn(email, testPassword)).toBe(true);
  });

  it("creates a user with the password from KEYWARD_PASSWORD", async () => {
    const account = await seedAccount();
    const email = uniqueEmail("env-user");
    const args = ["users", "create", "--account", account.id, "--email", email, "--role", "administrator"];
    expectSucceeded(await cli(args, { env: { KEYWARD_PASSWORD: testPassword } }));
    expect(await canSignIn(email, testPassword)).toBe(true);
  });

  it("still takes --password, which --help says is visible in ps", async () => {
    const account = await seedAccount();
    const email = uniqueEmail("flag-user");
    const args = ["users", "create", "--account", account.id, "--email", email, "--role", "administrator"];
    expectSucceeded(await cli([...args, "--password", testPassword]));
    expect(await canSignIn(email, testPassword)).toBe(true);
    expect((await cli(["users", "create", "--help"])).stdout).toMatch(/visible to other local users in ps/);
  });

  it("asks in a terminal, twice, and never shows what is typed", async () => {
    const account = await seedAccount();
    const email = uniqueEmail("typed");
    const result = await runKeywardInTerminal(
      db.url,
      ["users", "create", "--account", account.id, "--email", email, "--role", "marketplace_manager"],
      [
        { prompt: /Password for \S+: $/, typed: typedPassword },
        { prompt: /Type it again: $/, typed: typedPassword },
      ],
    );
    expect(result.exitCode, result.output).toBe(0);
    expect(result.output).toContain(`Password for ${email}: `);
    expect(result.output).toMatch(/Created \S+@example\.test {2}Marketplace Manager/);
    expect(result.output).not.toContain(typedPassword);
    expect(await canSignIn(email, typedPassword)).toBe(true);
  });

  it("refuses two different passwords typed in the terminal and creates no one", async () => {
    const account = await seedAccount();
    const email = uniqueEmail("mistyped");
    const result = await runKeywardInTerminal(
      db.url,
      ["users", "create", "--account", account.id, "--email", email, "--role", "marketplace_manager"],
      [
        { prompt: /Password for \S+: $/, typed: typedPassword },
        { prompt: /Type it again: $/, typed: `${typedPassword}x` },
      ],
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.output).toMatch(/the two passwords typed differ/);
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it("says how to give a password when there is none and no terminal to type it, and creates no one", async () => {
    const account = await seedAccount();
    const email = uniqueEmail("none");
    const result = await cli([
      "users",
      "create",
      "--account",
      account.id,
      "--email",
      email,
      "--role",
      "administrator",
    ]);
    expectRefused(result, /--password: no password given: pipe it to --password-stdin, set KEYWARD_PASSWORD/);
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it("refuses --password together with --password-stdin", async () => {
    const account = await seedAccount();
    const email = uniqueEmail("both");
    const args = ["users", "create", "--account", account.id, "--email", email, "--role", "administrator"];
    const result = await cli([...args, "--password", testPassword, "--password-stdin"], {
      input: testPassword,
    });
    expectRefused(result, /use either --password or --password-stdin, not both/);
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it("applies the password policy to a password from standard input, and creates no one", async () => {
    const account = await seedAccount();
    const email = uniqueEmail("weak");
    const args = ["users", "create", "--account", account.id, "--email", email, "--role", "administrator"];
    const result = await cli([...args, "--password-stdin"], { input: "password1234\n" });
    expectRefused(result, /password: Password is too easy to guess/);
    expect(result.stderr).not.toContain("password1234");
    expect(await usersWithEmail(email)).toEqual([]);
  });
});

describe("keyward users set-password", slowCli, () => {
  it("sets the password, signs the user out everywhere, and records who did it", async () => {
    const account = await seedAccount();
    await signIn(db.ctx().db, {
      credentials: { email: account.adminEmail, password: testPassword },
      ip: null,
    });
    const newPassword = "set-by-the-operator-2026";
    const result = await cli(
      ["users", "set-password", "--email", account.adminEmail, "--password-stdin", "--json"],
      {
        input: newPassword,
      },
    );
    expectSucceeded(result);
    expect(jsonOutput<{ endedSessions: number }>(result).endedSessions).toBe(1);
    expect(result.stdout).not.toContain(newPassword);
    const [admin] = await usersWithEmail(account.adminEmail);
    const sessions = await db
      .ctx()
      .db.selectFrom("sessions")
      .select("id_hash")
      .where("user_id", "=", admin?.id ?? "")
      .execute();
    expect(sessions).toEqual([]);
    expect(await canSignIn(account.adminEmail, newPassword)).toBe(true);
    expect(await canSignIn(account.adminEmail, testPassword)).toBe(false);
    const audit = await listAuditEvents(db.ctx().db, {
      actor: { type: "operator", accountId: account.id, ip: null },
      action: "user.password_changed",
      limit: 10,
    });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({
      actor: { id: null, label: "cli" },
      details: { endedSessions: 1 },
    });
    expect(JSON.stringify(audit.items)).not.toContain(newPassword);
  });

  it("refuses a weak password and changes nothing", async () => {
    const account = await seedAccount();
    const result = await cli(["users", "set-password", "--email", account.adminEmail, "--password-stdin"], {
      input: " ".repeat(12),
    });
    expectRefused(result, /password: Password must not be only spaces/);
    expect(await canSignIn(account.adminEmail, testPassword)).toBe(true);
  });

  it("answers an unknown email with not found", async () => {
    const result = await cli(
      ["users", "set-password", "--email", uniqueEmail("nobody"), "--password-stdin"],
      {
        input: testPassword,
      },
    );
    expectRefused(result, /--email: no user with email/);
  });
});
