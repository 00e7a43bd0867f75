import { type Kysely, sql } from "kysely";
import { hashAuditEvent, toExportedEvent, withoutHash } from "../../audit/audit-chain.js";
import { isPostgres } from "../locks.js";

// The audit trail becomes a hash chain per account (src/audit/audit-chain.ts). Existing events are
// chained in their current order — id order, the order the console lists them in — so a database that
// existed before this migration verifies.

interface AuditRow {
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
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

type Db = Kysely<{ audit_events: AuditRow }>;

const batchSize = 500;

export async function up(db: Kysely<unknown>): Promise<void> {
  const typed = db as unknown as Db;
  // PostgreSQL's migrator already runs each migration in a transaction; on SQLite it doesn't, and a
  // half-made chain must not be left behind by a crash.
  if (typed.isTransaction) await addChain(typed);
  else await typed.transaction().execute(addChain);
}

async function addChain(db: Db): Promise<void> {
  await db.schema.alterTable("audit_events").addColumn("seq", "integer").execute();
  await db.schema.alterTable("audit_events").addColumn("prev_hash", "text").execute();
  await db.schema.alterTable("audit_events").addColumn("hash", "text").execute();
  const accounts = await db.selectFrom("audit_events").select("account_id").distinct().execute();
  for (const { account_id } of accounts) await chainAccount(db, account_id);
  // Two events can never take the same place in a chain, even if a writer skipped the lock.
  await db.schema
    .createIndex("audit_chain_idx")
    .on("audit_events")
    .columns(["account_id", "seq"])
    .unique()
    .execute();
  if (isPostgres(db)) {
    await sql`alter table audit_events alter column seq set not null, alter column hash set not null`.execute(
      db,
    );
  }
}

async function chainAccount(db: Db, accountId: string): Promise<void> {
  let seq = 0;
  let prevHash: string | null = null;
  let after = "";
  for (;;) {
    const rows = await db
      .selectFrom("audit_events")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("id", ">", after)
      .orderBy("id")
      .limit(batchSize)
      .execute();
    for (const row of rows) {
      seq += 1;
      const hash = hashAuditEvent(withoutHash(toExportedEvent({ ...row, seq, prev_hash: prevHash })));
      await db
        .updateTable("audit_events")
        .set({ seq, prev_hash: prevHash, hash })
        .where("id", "=", row.id)
        .execute();
      prevHash = hash;
      after = row.id;
    }
    if (rows.length < batchSize) return;
  }
}
