import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAccount } from "../../../src/accounts/create-account.js";
import type { Database } from "../../../src/db/database.js";
import { migrateToLatest } from "../../../src/db/migrate.js";
import { openDatabase } from "../../../src/db/open-database.js";
import { noLocalCache } from "../../../src/keys/verification/verification-changes.js";
import { createPostgresSchema } from "../../support/postgres-schema.js";

export const postgresBaseUrl = process.env.KEYWARD_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/test";
export const faultPassword = "fault-injection-password";

export type Dialect = "sqlite" | "postgres";

/** A fresh database (SQLite file, or a PostgreSQL schema of its own) with one account, opened by the test too. */
export interface FaultDatabase {
  url: string;
  database: Database;
  accountId: string;
  adminEmail: string;
  drop(): Promise<void>;
}

export async function createFaultDatabase(dialect: Dialect): Promise<FaultDatabase> {
  let url: string;
  let remove: () => Promise<void>;
  if (dialect === "postgres") {
    const schema = await createPostgresSchema(postgresBaseUrl, `kw_fault_${randomBytes(5).toString("hex")}`);
    url = schema.url;
    remove = schema.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), "keyward-fault-"));
    url = join(dir, "keyward.db");
    remove = async () => rmSync(dir, { recursive: true, force: true });
  }
  const database = await openDatabase(url);
  await migrateToLatest(database);
  const adminEmail = `fault-admin-${randomBytes(4).toString("hex")}@example.test`;
  const { account } = await createAccount(
    { db: database.db, changes: noLocalCache },
    { account: { name: "Fault Injection", adminEmail, adminPassword: faultPassword }, demoSeed: 7 },
  );
  return {
    url,
    database,
    accountId: account.id,
    adminEmail,
    async drop() {
      await database.close();
      await remove();
    },
  };
}

/** Keys without their `api_key.created` event, events without their key, and the same for revocations. */
export async function findHalfMadeKeys(database: Database, accountId: string): Promise<string[]> {
  const db = database.db;
  const keys = await db
    .selectFrom("api_keys")
    .select(["id", "revoked_at"])
    .where("account_id", "=", accountId)
    .execute();
  const events = await db
    .selectFrom("audit_events")
    .select(["action", "target_id"])
    .where("account_id", "=", accountId)
    .where("action", "in", ["api_key.created", "api_key.revoked"])
    .execute();
  const created = new Set(events.filter((e) => e.action === "api_key.created").map((e) => e.target_id));
  const revoked = events.filter((e) => e.action === "api_key.revoked").map((e) => e.target_id);
  const revokedSet = new Set(revoked);
  const keyIds = new Set(keys.map((k) => k.id));
  const problems: string[] = [];
  for (const key of keys) {
    if (!created.has(key.id)) problems.push(`${key.id} has no api_key.created event`);
    if ((key.revoked_at !== null) !== revokedSet.has(key.id))
      problems.push(`${key.id}: revoked_at and api_key.revoked disagree`);
  }
  for (const id of created)
    if (!keyIds.has(id)) problems.push(`api_key.created for ${id}, which does not exist`);
  if (revoked.length !== revokedSet.size) problems.push("a key was revoked twice");
  return problems;
}

/** What the fault tests' servers run with: they present many revoked keys from 127.0.0.1 on purpose. */
export const faultEnv = {
  KEYWARD_KEY_FAILURES_PER_MINUTE: "1000000",
  KEYWARD_LOG_LEVEL: process.env.KEYWARD_FAULT_LOG_LEVEL ?? "warn",
};
