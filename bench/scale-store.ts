import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAccount } from "../src/accounts/create-account.js";
import type { Database } from "../src/db/database.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { openDatabase } from "../src/db/open-database.js";
import { noLocalCache } from "../src/keys/verification/verification-changes.js";
import { findUserByEmail } from "../src/users/list-users.js";
import { clusterPassword } from "../test/scale/cluster.js";
import { createPostgresSchema } from "../test/support/postgres-schema.js";
import { type KeySet, type SeedOwner, type SeedResult, seedPostgres, seedSqlite } from "./seed-keys.js";

/** A scratch database for the scale runs: a fresh SQLite file or PostgreSQL schema, seeded in bulk. */
export interface ScaleStore {
  url: string;
  /** Migrates, and creates the account whose Administrator owns every seeded key. */
  createOwner(): Promise<{ owner: SeedOwner; email: string }>;
  seed(keys: KeySet, owner: SeedOwner): Promise<SeedResult>;
  drop(): Promise<void>;
}

export async function createScaleStore(options: {
  backend: "sqlite" | "postgres";
  postgresUrl: string;
  /** SQLite: this file instead of a fresh temporary one. */
  path?: string | undefined;
}): Promise<ScaleStore> {
  if (options.backend === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "keyward-bench-"));
    const url = options.path ?? join(dir, "keyward.db");
    return {
      url,
      createOwner: () => createOwner(url),
      seed: async (keys, owner) => seedSqlite(url, keys, owner),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = await createPostgresSchema(options.postgresUrl, `kw_bench_scale_${process.pid}`);
  return {
    url: schema.url,
    createOwner: () => createOwner(schema.url),
    seed: (keys, owner) => withDatabase(schema.url, (database) => seedPostgres(database, keys, owner)),
    drop: schema.drop,
  };
}

export async function withDatabase<T>(url: string, use: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(url);
  try {
    return await use(database);
  } finally {
    await database.close();
  }
}

/** The account that owns every seeded key, created by the same code the CLI uses. */
async function createOwner(url: string): Promise<{ owner: SeedOwner; email: string }> {
  return withDatabase(url, async (database) => {
    await migrateToLatest(database);
    const email = `bench-admin-${process.pid}@example.test`;
    const ctx = { db: database.db, changes: noLocalCache };
    const { account } = await createAccount(ctx, {
      account: { name: "Bench Marketplace", adminEmail: email, adminPassword: clusterPassword },
    });
    const admin = await findUserByEmail(database.db, email);
    if (!admin) throw new Error("bench administrator missing");
    return { owner: { accountId: account.id, ownerUserId: admin.id }, email };
  });
}
