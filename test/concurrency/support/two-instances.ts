import { afterAll, beforeAll } from "vitest";
import { createAccount } from "../../../src/accounts/create-account.js";
import type { Context } from "../../../src/context.js";
import type { Database } from "../../../src/db/database.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { openDatabase } from "../../../src/db/open-database.js";
import { noLocalCache } from "../../../src/keys/verification/verification-changes.js";
import { createUser } from "../../../src/users/create-user.js";
import { type ConsoleSession, clusterPassword, signInOverHttp } from "../../scale/cluster.js";
import { type ServerProcess, startServer } from "../../support/server-process.js";
import { uniqueEmail } from "../../support/test-app.js";
import { createTestDatabaseUrl } from "../../support/test-database.js";

/*
 * Two real `keyward serve` processes on one database — a fresh SQLite file, or a fresh PostgreSQL schema
 * when KEYWARD_TEST_POSTGRES is set — driven over HTTP, plus the test's own connection for seeding and
 * for reading what they wrote. Processes rather than two apps in this process: two SQLite connections in
 * one thread would wait for each other's write lock inside SQLite's busy handler, which blocks the thread
 * that holds the lock; separate processes are what a deployment (or the CLI beside a server) really is.
 */

export interface TwoInstances {
  /** Base URLs of instance 0 and instance 1. */
  urls: [string, string];
  database: Database;
  ctx: Context;
}

export interface SeededAdministrator {
  userId: string;
  email: string;
}

/** Starts the instances before the file's tests and stops them (and drops the database) afterwards. */
export function setUpTwoInstances(): () => TwoInstances {
  let instances: TwoInstances | undefined;
  let servers: ServerProcess[] = [];
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const created = await createTestDatabaseUrl();
    drop = created.drop;
    const database = await openDatabase(created.url);
    await migrateToLatest(database);
    servers = await Promise.all([startServer(created.url), startServer(created.url)]);
    const [first, second] = servers;
    if (!first || !second) throw new Error("two servers were not started");
    instances = { urls: [first.url, second.url], database, ctx: { db: database.db, changes: noLocalCache } };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await instances?.database.close();
    await drop?.();
  });

  return () => {
    if (!instances) throw new Error("the instances are not started yet");
    return instances;
  };
}

/** A fresh account with `count` Administrators (the first is the account's own). */
export async function seedAdministrators(
  ctx: Context,
  count: number,
): Promise<{ accountId: string; administrators: SeededAdministrator[] }> {
  const firstEmail = uniqueEmail("admin");
  const { account, administrator } = await createAccount(ctx, {
    account: { name: "Race Marketplace", adminEmail: firstEmail, adminPassword: clusterPassword },
    demoSeed: 7,
  });
  const administrators: SeededAdministrator[] = [{ userId: administrator.id, email: firstEmail }];
  while (administrators.length < count) {
    const email = uniqueEmail("admin");
    const user = await createUser(ctx, {
      actor: { type: "operator", accountId: account.id, ip: null },
      user: { email, name: "Admin", role: "administrator", password: clusterPassword },
    });
    administrators.push({ userId: user.id, email });
  }
  return { accountId: account.id, administrators };
}

/** Signs `email` in on one instance; the session works on either (sessions live in the database). */
export function signInOn(url: string, email: string): Promise<ConsoleSession> {
  return signInOverHttp(url, email, clusterPassword);
}

/** Sends every request at once and answers their statuses in the same order. */
export async function simultaneously(requests: Array<() => Promise<Response>>): Promise<number[]> {
  const responses = await Promise.all(requests.map((send) => send()));
  await Promise.all(responses.map((response) => response.arrayBuffer()));
  return responses.map((response) => response.status);
}
