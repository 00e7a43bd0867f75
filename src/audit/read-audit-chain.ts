import type { Db } from "../db/database.js";
import { type ExportedAuditEvent, toExportedEvent } from "./audit-chain.js";

const batchSize = 1_000;

/**
 * An account's events in chain order (seq 1, 2, 3, …), read in batches so a long trail never sits in
 * memory at once; rows that lost their seq (altered by hand) come last, so a verifier sees them too.
 */
export async function* readAuditChain(db: Db, accountId: string): AsyncGenerator<ExportedAuditEvent> {
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("audit_events")
      .selectAll()
      .where("account_id", "=", accountId)
      .where("seq", ">", after)
      .orderBy("seq")
      .limit(batchSize)
      .execute();
    for (const row of rows) yield toExportedEvent(row);
    const last = rows.at(-1);
    if (!last || rows.length < batchSize) break;
    after = last.seq;
  }
  const unplaced = await db
    .selectFrom("audit_events")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("seq", "is", null)
    .orderBy("id")
    .execute();
  for (const row of unplaced) yield toExportedEvent(row);
}
