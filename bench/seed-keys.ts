import { randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";
import SqliteDatabase from "better-sqlite3";
import { sql } from "kysely";
import type { Database } from "../src/db/database.js";
import { hashKey, hintOf, isWellFormedKey, keyPrefix } from "../src/keys/key-format.js";
import { newId } from "../src/shared/ids.js";

// Bulk-seeded keys, derived from an index so the load generator can draw any of a million keys
// without holding them: `mpk_` + 22-character run salt + 8-character index + checksum.

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export interface KeySet {
  count: number;
  salt: string;
  secretFor(index: number): string;
}

/** Keys derived from a random salt, or from `salt` (22 base62 characters) to draw an earlier seed's keys. */
export function createKeySet(count: number, salt = randomSalt()): KeySet {
  const secretFor = (index: number) => withChecksum(`${keyPrefix}${salt}${toBase62(index, 8)}`);
  if (!isWellFormedKey(secretFor(0))) throw new Error("bench keys must pass Keyward's checksum");
  return { count, salt, secretFor };
}

export interface SeedOwner {
  accountId: string;
  ownerUserId: string;
}

export interface SeedResult {
  seconds: number;
  /** Id of the key in the middle of the list (a cursor for a deep page). */
  middleKeyId: string;
}

const batchSize = 20_000;

/** PostgreSQL: multi-row inserts from arrays (unnest), 20,000 rows a statement, hashes precomputed. */
export async function seedPostgres(database: Database, keys: KeySet, owner: SeedOwner): Promise<SeedResult> {
  const start = performance.now();
  const now = new Date().toISOString();
  let middleKeyId = "";
  await database.db.connection().execute(async (db) => {
    // Foreign-key triggers off for the load (superuser only): the rows all point at one existing
    // account and user, and checking that a million times would triple the seeding time.
    await sql`set session_replication_role = replica`.execute(db);
    for (let first = 0; first < keys.count; first += batchSize) {
      const rows = buildRows(keys, first, Math.min(keys.count, first + batchSize));
      middleKeyId ||= rows.ids[Math.floor(keys.count / 2) - first] ?? "";
      await sql`
      insert into api_keys (id, account_id, owner_user_id, name, key_hash, hint, permissions, created_at,
                            created_by_user_id, updated_at)
      select id, ${owner.accountId}, ${owner.ownerUserId}, name, key_hash, hint, ${permissions}, ${now},
             ${owner.ownerUserId}, ${now}
      from unnest(${rows.ids}::text[], ${rows.names}::text[], ${rows.hashes}::text[], ${rows.hints}::text[])
        as t(id, name, key_hash, hint)`.execute(db);
    }
    await sql`set session_replication_role = default`.execute(db);
  });
  await sql`analyze api_keys`.execute(database.db);
  return { seconds: (performance.now() - start) / 1000, middleKeyId };
}

/** SQLite: one transaction, one prepared statement. */
export function seedSqlite(path: string, keys: KeySet, owner: SeedOwner): SeedResult {
  const start = performance.now();
  const now = new Date().toISOString();
  const db = new SqliteDatabase(path);
  // A page cache big enough for the key_hash index, so random inserts don't thrash.
  db.pragma("cache_size = -262144");
  let middleKeyId = "";
  try {
    const insert = db.prepare(
      `insert into api_keys (id, account_id, owner_user_id, name, key_hash, hint, permissions, created_at,
                             created_by_user_id, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    db.transaction(() => {
      for (let first = 0; first < keys.count; first += batchSize) {
        const rows = buildRows(keys, first, Math.min(keys.count, first + batchSize));
        middleKeyId ||= rows.ids[Math.floor(keys.count / 2) - first] ?? "";
        rows.ids.forEach((id, i) => {
          const { accountId, ownerUserId } = owner;
          insert.run(
            id,
            accountId,
            ownerUserId,
            rows.names[i],
            rows.hashes[i],
            rows.hints[i],
            permissions,
            now,
            ownerUserId,
            now,
          );
        });
      }
    })();
    // No ANALYZE: Keyward never runs it on SQLite, so the server must be measured without the
    // statistics it would leave (with them, the planner scans a one-account key list: ARCHITECTURE.md).
  } finally {
    db.close();
  }
  return { seconds: (performance.now() - start) / 1000, middleKeyId };
}

const permissions = JSON.stringify({ all: true });

function buildRows(keys: KeySet, from: number, to: number) {
  const rows = { ids: [] as string[], names: [] as string[], hashes: [] as string[], hints: [] as string[] };
  for (let index = from; index < to; index++) {
    const secret = keys.secretFor(index);
    rows.ids.push(newId("key"));
    rows.names.push(`Bench key ${index}`);
    rows.hashes.push(hashKey(secret));
    rows.hints.push(hintOf(secret));
  }
  return rows;
}

function randomSalt(): string {
  let salt = "";
  for (const byte of randomBytes(22)) salt += base62[byte % 62];
  return salt;
}

function withChecksum(body: string): string {
  let value = crc32(body);
  let checksum = "";
  for (let i = 0; i < 6; i++) {
    checksum = base62[value % 62] + checksum;
    value = Math.floor(value / 62);
  }
  return body + checksum;
}

function toBase62(value: number, width: number): string {
  let out = "";
  let rest = value;
  while (rest > 0) {
    out = base62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out.padStart(width, "0");
}
