import { randomBytes } from "node:crypto";
import type { Database, Db } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { openDatabase } from "../../src/db/open-database.js";
import { seedDemoMarketplace } from "../../src/marketplace/demo-data.js";
import { createTestDatabaseUrl } from "../support/test-database.js";

/** The fixed clock of the demo data in these tests: the demo's 90 days of orders end here. */
export const demoNow = new Date("2025-06-15T14:30:00.000Z");

export interface MarketplaceTestDatabase {
  database: Database;
  db: Db;
  /** Inserts an account row and seeds its demo marketplace; returns the account id. */
  createAccount(options?: { seed?: number; now?: Date }): Promise<string>;
  close(): Promise<void>;
}

/** A migrated database for one test file: a temp SQLite file, or a PostgreSQL schema if configured. */
export async function openMarketplaceTestDatabase(): Promise<MarketplaceTestDatabase> {
  const { url, drop } = await createTestDatabaseUrl();
  const database = await openDatabase(url);
  await migrateToLatest(database);
  return {
    database,
    db: database.db,
    async createAccount(options = {}) {
      const id = `acc_test_${randomBytes(6).toString("hex")}`;
      const seed = options.seed ?? 7;
      const now = options.now ?? demoNow;
      await database.db
        .insertInto("accounts")
        .values({ id, name: "Test Marketplace", demo_seed: seed, created_at: now.toISOString() })
        .execute();
      await seedDemoMarketplace(database.db, { accountId: id, seed, now });
      return id;
    },
    async close() {
      await database.close();
      await drop();
    },
  };
}

/** Every page of a list, following nextCursor to the end. */
export async function collectPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    pages += 1;
    if (page.nextCursor === null) return { items, pages };
    cursor = page.nextCursor;
  }
}
