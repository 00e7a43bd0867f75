import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A fresh, empty database for one test file: a new SQLite file by default, or — when
 * KEYWARD_TEST_POSTGRES is set — a new schema in that PostgreSQL database, dropped afterwards.
 */
export async function createTestDatabaseUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const postgres = process.env.KEYWARD_TEST_POSTGRES;
  if (postgres) {
    const { createPostgresSchema } = await import("./postgres-schema.js");
    return createPostgresSchema(postgres, `kw_test_${randomBytes(6).toString("hex")}`);
  }
  const dir = mkdtempSync(join(tmpdir(), "keyward-db-"));
  return { url: join(dir, "keyward.db"), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}
