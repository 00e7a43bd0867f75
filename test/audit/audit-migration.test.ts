import { type Kysely, type Migration, Migrator } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "../../src/audit/record-audit-event.js";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import type { Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import * as core from "../../src/db/migrations/0001-core.js";
import { openDatabase } from "../../src/db/open-database.js";
import * as marketplace from "../../src/marketplace/migration.js";
import { createTestDatabaseUrl } from "../support/test-database.js";

// A database as Keyward left it before the chain existed: migrated to 0002, events without seq or hash.

interface EventBeforeTheChain {
  id: string;
  account_id: string;
  actor_user_id: string | null;
  actor_label: string;
  action: string;
  target_type: string;
  target_id: string;
  ip: string | null;
  details: string;
  created_at: string;
}

interface SchemaBeforeTheChain {
  accounts: { id: string; name: string; demo_seed: number; created_at: string };
  audit_events: EventBeforeTheChain;
}

let database: Database;
let drop: () => Promise<void>;

beforeAll(async () => {
  const created = await createTestDatabaseUrl();
  drop = created.drop;
  database = await openDatabase(created.url);
  const migrations: Record<string, Migration> = { "0001-core": core, "0002-marketplace": marketplace };
  const migrator = new Migrator({
    db: database.db,
    provider: { getMigrations: async () => migrations },
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
});

afterAll(async () => {
  await database.close();
  await drop();
});

function oldEvent(accountId: string, id: string, createdAt: string): EventBeforeTheChain {
  return {
    id,
    account_id: accountId,
    actor_user_id: null,
    actor_label: "cli",
    action: "user.created",
    target_type: "user",
    target_id: `usr_${id}`,
    ip: null,
    details: JSON.stringify({ email: `${id}@example.test`, note: "résumé ✓" }),
    created_at: createdAt,
  };
}

describe("Migration 0003-audit-chain", () => {
  it("chains the events of a database made before the chain, in their current order", async () => {
    const old = database.db as unknown as Kysely<SchemaBeforeTheChain>;
    const accounts = ["acc_A", "acc_B"];
    for (const id of accounts) {
      await old
        .insertInto("accounts")
        .values({ id, name: id, demo_seed: 1, created_at: "2026-01-01T00:00:00.000Z" })
        .execute();
      // Inserted out of id order (and with a clock that went backwards): id order is the current order.
      for (const [suffix, at] of [
        ["3", "2026-01-01T00:00:01.000Z"],
        ["1", "2026-01-01T00:00:03.000Z"],
        ["2", "2026-01-01T00:00:02.000Z"],
      ] as const) {
        await old
          .insertInto("audit_events")
          .values(oldEvent(id, `evt_${id}_${suffix}`, at))
          .execute();
      }
    }

    // More than one backfill batch (500 events).
    await old
      .insertInto("accounts")
      .values({ id: "acc_C", name: "C", demo_seed: 1, created_at: "2026-01-01T00:00:00.000Z" })
      .execute();
    const many = Array.from({ length: 1_100 }, (_, index) =>
      oldEvent("acc_C", `evt_C_${String(index).padStart(4, "0")}`, "2026-01-01T00:00:00.000Z"),
    );
    await old.insertInto("audit_events").values(many).execute();

    await migrateToLatest(database);

    const chainOfC = await verifyAuditChain(database.db, { accountId: "acc_C" });
    expect(chainOfC).toMatchObject({ isIntact: true, events: 1_100, head: { seq: 1_100 } });

    for (const accountId of accounts) {
      const rows = await database.db
        .selectFrom("audit_events")
        .select(["id", "seq"])
        .where("account_id", "=", accountId)
        .orderBy("seq")
        .execute();
      expect(rows).toEqual([1, 2, 3].map((seq) => ({ id: `evt_${accountId}_${seq}`, seq })));
      expect(await verifyAuditChain(database.db, { accountId })).toMatchObject({ isIntact: true, events: 3 });
    }

    // New events continue the backfilled chain.
    await recordAuditEvent(database.db, {
      accountId: "acc_A",
      actor: { type: "operator", accountId: "acc_A", ip: null },
      action: "user.deactivated",
      target: { type: "user", id: "usr_evt_acc_A_1" },
    });
    expect(await verifyAuditChain(database.db, { accountId: "acc_A" })).toMatchObject({
      isIntact: true,
      events: 4,
      head: { seq: 4 },
    });
  });
});
