import { join } from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import { createAccount } from "../../src/accounts/create-account.js";
import type { Context } from "../../src/context.js";
import type { Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { openDatabase } from "../../src/db/open-database.js";
import { createKey } from "../../src/keys/create-key.js";
import type { Permissions } from "../../src/keys/permissions.js";
import { noLocalCache } from "../../src/keys/verification/verification-changes.js";
import { createUser } from "../../src/users/create-user.js";
import { findUserByEmail } from "../../src/users/list-users.js";
import { actorForUser } from "../../src/users/user-view.js";
import { testPassword } from "../support/accounts.js";
import { type CliResult, runCli } from "../support/cli.js";
import { tempDir, uniqueEmail } from "../support/test-app.js";

export interface SeededAccount {
  accountId: string;
  name: string;
  adminEmail: string;
  managerEmail: string;
}

export interface CliDatabase {
  /** The SQLite file every CLI run and server of this test file uses. */
  readonly path: string;
  /** A directory for other files the tests need (removed afterwards). */
  readonly dir: string;
  /** The test's own connection to the file, for seeding and for checking what the CLI wrote. */
  ctx(): Context;
  cli(...args: string[]): Promise<CliResult>;
  /** An account with an Administrator and a Manager, made in-process (fast), not through the CLI. */
  seedAccount(options?: { managerApiAccess?: boolean }): Promise<SeededAccount>;
  seedKey(ownerEmail: string, name?: string, permissions?: Permissions): ReturnType<typeof createKey>;
}

/** A fresh SQLite file for one test file, migrated, opened before its tests and removed after. */
export function setUpCliDatabase(): CliDatabase {
  const dir = tempDir();
  const path = join(dir.path, "keyward.db");
  let database: Database | undefined;
  let context: Context | undefined;

  beforeAll(async () => {
    database = await openDatabase(path);
    await migrateToLatest(database);
    context = { db: database.db, changes: noLocalCache };
  });
  afterAll(async () => {
    await database?.close();
    dir.remove();
  });

  const ctx = (): Context => {
    if (!context) throw new Error("the CLI database is not open yet");
    return context;
  };

  return {
    path,
    dir: dir.path,
    ctx,
    cli: (...args) => runCli(path, args),
    async seedAccount(options = {}) {
      const name = `Marketplace ${uniqueEmail("m").split("@")[0]}`;
      const adminEmail = uniqueEmail("admin");
      const managerEmail = uniqueEmail("manager");
      const { account } = await createAccount(ctx(), {
        account: { name, adminEmail, adminPassword: testPassword },
        demoSeed: 42,
      });
      await createUser(ctx(), {
        actor: { type: "operator", accountId: account.id, ip: null },
        user: {
          email: managerEmail,
          name: "Manager",
          role: "marketplace_manager",
          password: testPassword,
          apiAccess: options.managerApiAccess ?? false,
        },
      });
      return { accountId: account.id, name, adminEmail, managerEmail };
    },
    async seedKey(ownerEmail, name = "Seeded key", permissions = { all: true }) {
      const owner = await findUserByEmail(ctx().db, ownerEmail);
      if (!owner) throw new Error(`no user ${ownerEmail}`);
      return createKey(ctx(), { actor: actorForUser(owner, null), name, permissions });
    },
  };
}

/** A refusal: non-zero exit and exactly one line on stderr that says why. */
export function expectRefused(result: CliResult, reason: RegExp) {
  expect(result.exitCode, result.stdout + result.stderr).not.toBe(0);
  const lines = result.stderr.split("\n").filter((line) => line.trim() !== "");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(reason);
}

export function expectSucceeded(result: CliResult) {
  expect(result.exitCode, result.stderr).toBe(0);
  expect(result.stderr).toBe("");
}
