import { afterAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/create-account.js";
import { demoCredentials } from "../../src/demo/seed-demo.js";
import { AppError } from "../../src/errors.js";
import { parseInput, passwordSchema } from "../../src/shared/validation.js";
import { fingerprint } from "../hardening/support/fingerprint.js";
import { expectError, listUsers } from "../http/helpers.js";
import { createTestAccount, testPassword } from "../support/accounts.js";
import { createTestApp, uniqueEmail } from "../support/test-app.js";

const t = await createTestApp();
afterAll(async () => t.close());

/** Passwords the policy refuses, each with what the message must tell the user to change. */
const refused: [string, string, RegExp][] = [
  ["11 characters", "kx7-vq2-mz9", /at least 12 characters/],
  ["6 emoji (12 UTF-16 units, 6 characters)", "🔑🔒🗝️🔐🔏", /at least 12 characters/],
  ["twelve spaces", " ".repeat(12), /only spaces/],
  ["tabs, newlines and spaces", "\t \n \t \n \t \n  ", /only spaces/],
  ["a password from the common list", "123456789012", /too easy to guess/],
  ["a common password with digits", "Password1234", /too easy to guess/],
  ["a l33t spelling of a common password", "P@ssw0rd1234", /too easy to guess/],
  ["a repeated word", "letmeinletmein", /too easy to guess/],
  ["one repeated character", "aaaaaaaaaaaaaaaa", /too easy to guess/],
  ["a keyboard row", "qwertyuiopasdf", /too easy to guess/],
  ["a sequence", "abcdefghijklmnop", /too easy to guess/],
  ["257 characters", "x7-".repeat(86).slice(0, 257), /at most 256 characters/],
];

/** Passwords the policy takes: the demo's, the tests', a passphrase, a long random one. */
const accepted = [
  demoCredentials.administrator.password,
  demoCredentials.manager.password,
  testPassword,
  "Tr0ub4dor&3-horse",
  "river tulip copper ninety",
  "7hK$9w!qLz2@Xv4#Np6%Rt8^Ym1&Bc3*".repeat(8),
];

function policyMessage(password: string): string | undefined {
  try {
    parseInput(passwordSchema, password, "password");
    return undefined;
  } catch (error) {
    return (error as AppError).message;
  }
}

describe("The password policy", () => {
  it.each(refused)("refuses %s and says what to change", (_label, password, reason) => {
    expect(policyMessage(password)).toMatch(reason);
  });

  it.each(accepted)("accepts %s", (password) => {
    expect(policyMessage(password)).toBeUndefined();
  });

  it("names the field and states a single problem", () => {
    const message = policyMessage("short");
    expect(message).toBe("password: Password must be at least 12 characters.");
    expect(() => parseInput(passwordSchema, "short", "password")).toThrow(AppError);
  });
});

describe("The policy wherever a password is set", () => {
  it.each(refused)(
    "refuses %s for a user created in the console, and creates no one",
    async (_label, password, reason) => {
      const account = await createTestAccount(t);
      const before = await listUsers(account.admin);
      const error = expectError(
        await account.admin.request("POST", "/console/api/users", {
          email: uniqueEmail("weak"),
          name: "Weak Password",
          role: "marketplace_manager",
          password,
        }),
        400,
        "invalid_request",
      );
      expect(error.fields).toEqual(["password"]);
      expect(error.message).toMatch(reason);
      expect(await listUsers(account.admin)).toEqual(before);
    },
  );

  it("refuses a weak first Administrator password for a new account, naming adminPassword, and creates nothing", async () => {
    const before = await fingerprint(t.database.db);
    const attempt = createAccount(t.ctx, {
      account: {
        name: "Weak Marketplace",
        adminEmail: uniqueEmail("weak-admin"),
        adminPassword: " ".repeat(12),
      },
    });
    await expect(attempt).rejects.toMatchObject({
      code: "invalid_request",
      details: { fields: ["adminPassword"] },
    });
    expect(await fingerprint(t.database.db)).toEqual(before);
  });

  it("keeps no password, weak or strong, in any error message", async () => {
    const account = await createTestAccount(t);
    for (const [, password] of refused.filter(([, p]) => p.trim().length > 0)) {
      const response = await account.admin.request("POST", "/console/api/users", {
        email: uniqueEmail("echo"),
        name: "Echo",
        role: "marketplace_manager",
        password,
      });
      expect(response.body).not.toContain(password);
    }
  });
});
