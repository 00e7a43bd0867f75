import type { Db } from "../db/database.js";
import { type ExportedAuditEvent, hashAuditEvent, withoutHash } from "./audit-chain.js";
import { readAuditChain } from "./read-audit-chain.js";

/** A chain position recorded earlier (from a verify or an export), kept outside the database. */
export interface AuditChainHead {
  seq: number;
  hash: string;
}

export interface VerifyAuditChainOptions {
  accountId: string;
  /** Also require the chain to still contain this event: catches events cut from the end, or a rewrite. */
  expectedHead?: AuditChainHead | undefined;
}

export type AuditChainVerification =
  | { isIntact: true; events: number; head: AuditChainHead | null }
  | {
      isIntact: false;
      /** Events that verified before the break. */
      events: number;
      /** The first event that breaks the chain (id null when what is missing is the recorded head). */
      broken: { id: string | null; seq: number | null; reason: string };
    };

/** Re-computes an account's hash chain from the stored events and names the first that breaks it. */
export async function verifyAuditChain(
  db: Db,
  options: VerifyAuditChainOptions,
): Promise<AuditChainVerification> {
  let previous: { seq: number; hash: string } | null = null;
  let events = 0;
  const { expectedHead } = options;
  for await (const event of readAuditChain(db, options.accountId)) {
    const reason = whyBroken(event, previous);
    if (reason) return { isIntact: false, events, broken: { id: event.id, seq: event.seq, reason } };
    previous = { seq: event.seq as number, hash: event.hash as string };
    events += 1;
    if (expectedHead && previous.seq === expectedHead.seq && previous.hash !== expectedHead.hash) {
      const reason = `its hash is not the recorded head's ${expectedHead.hash}: the chain was rewritten up to here`;
      return { isIntact: false, events: events - 1, broken: { id: event.id, seq: event.seq, reason } };
    }
  }
  if (expectedHead && (previous?.seq ?? 0) < expectedHead.seq) {
    const reason = `the chain ends at seq ${previous?.seq ?? 0}, before the recorded head: events were removed from its end`;
    return { isIntact: false, events, broken: { id: null, seq: expectedHead.seq, reason } };
  }
  return { isIntact: true, events, head: previous };
}

function whyBroken(event: ExportedAuditEvent, previous: AuditChainHead | null): string | null {
  const expectedSeq = (previous?.seq ?? 0) + 1;
  if (event.seq === null) return "it has no place in the chain (its seq was removed)";
  if (event.seq !== expectedSeq) {
    return `expected seq ${expectedSeq} here: an event before it was removed or the order was changed`;
  }
  if (event.prevHash !== (previous?.hash ?? null)) {
    return `it does not follow the event before it (seq ${expectedSeq - 1}): that event was replaced, or the order was changed`;
  }
  if (event.hash !== hashAuditEvent(withoutHash(event))) {
    return "its stored hash does not match its contents: the event was changed after it was written";
  }
  return null;
}
