import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { inject } from "vitest";

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, "../..");

export interface Person {
  id: string;
  name: string;
  email: string;
  password: string;
}

function uniqueEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}@e2e.test`;
}

/** Runs the `keyward` CLI against the e2e server's database: changes made "elsewhere", as an operator would. */
async function keyward(args: string[]): Promise<unknown> {
  return keywardAt(inject("databasePath"))(args);
}

/** The `keyward` CLI against another server's database (one a test started with startKeywardServer). */
function keywardAt(databasePath: string) {
  return async (args: string[]): Promise<unknown> => {
    const { stdout } = await run(process.execPath, ["bin/keyward.js", ...args, "--json"], {
      cwd: repoRoot,
      env: { ...process.env, KEYWARD_DATABASE: databasePath, KEYWARD_LOG_LEVEL: "warn" },
    });
    return JSON.parse(stdout);
  };
}

/** Creates an account of its own for a test file, with its first Administrator. */
export async function createAccount(
  name: string,
  adminName: string,
  databasePath?: string,
): Promise<{ accountId: string; admin: Person }> {
  const password = `admin-${randomBytes(8).toString("hex")}`;
  const email = uniqueEmail("admin");
  const result = (await keywardAt(databasePath ?? inject("databasePath"))([
    "accounts",
    "create",
    "--name",
    name,
    "--admin-email",
    email,
    "--admin-password",
    password,
    "--admin-name",
    adminName,
  ])) as { account: { id: string }; administrator: { id: string } };
  return {
    accountId: result.account.id,
    admin: { id: result.administrator.id, name: adminName, email, password },
  };
}

/** Adds a Marketplace Manager without API access. */
export async function createManager(accountId: string, name: string, databasePath?: string): Promise<Person> {
  const password = `manager-${randomBytes(8).toString("hex")}`;
  const email = uniqueEmail("manager");
  const result = (await keywardAt(databasePath ?? inject("databasePath"))([
    "users",
    "create",
    "--account",
    accountId,
    "--email",
    email,
    "--role",
    "marketplace_manager",
    "--password",
    password,
    "--name",
    name,
  ])) as { user: { id: string } };
  return { id: result.user.id, name, email, password };
}

/** Revokes a key from the CLI: a change the server learns of from its database, not from a request. */
export async function revokeKey(keyId: string, by: Person): Promise<void> {
  await keyward(["keys", "revoke", "--id", keyId, "--by", by.email]);
}
