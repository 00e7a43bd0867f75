import { createHash } from "node:crypto";
import type { AuditEventsTable } from "../db/schema.js";

/*
 * The audit trail of each account is a hash chain: every event stores its position `seq` (1, 2, 3, …
 * within the account), the hash of the event before it (`prevHash`, null for the first) and its own
 * `hash` = SHA-256 (hex) of the UTF-8 canonical JSON of the event below. Editing any hashed field,
 * deleting an event or reordering events breaks the chain from that event on.
 *
 * This definition is a contract with auditors who verify exports offline (docs/security.md, "Verifying
 * an export"): the hashed fields, their names and the canonical form must never change for existing
 * events.
 */

/** Exactly what is hashed, and (with `hash`) exactly one line of `keyward audit export`. */
export interface ChainedAuditEvent {
  id: string;
  accountId: string;
  seq: number;
  actor: { id: string | null; label: string };
  action: string;
  target: { type: string; id: string };
  ip: string | null;
  details: unknown;
  createdAt: string;
  prevHash: string | null;
}

/** A stored event as exported; a row altered by hand may have lost its seq or hash. */
export interface ExportedAuditEvent extends Omit<ChainedAuditEvent, "seq"> {
  seq: number | null;
  hash: string | null;
}

/**
 * Canonical JSON (RFC 8785, JCS, for the values audit events hold): object keys sorted by UTF-16 code
 * units, no whitespace, strings and numbers as JSON.stringify writes them.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

export function hashAuditEvent(event: ChainedAuditEvent | Omit<ExportedAuditEvent, "hash">): string {
  return createHash("sha256").update(canonicalJson(event), "utf8").digest("hex");
}

type ChainRow = Pick<
  AuditEventsTable,
  | "id"
  | "account_id"
  | "actor_user_id"
  | "actor_label"
  | "action"
  | "target_type"
  | "target_id"
  | "ip"
  | "details"
  | "created_at"
> & { seq: number | null; prev_hash: string | null; hash: string | null };

/**
 * A stored row as it is hashed and exported. `details` is hashed as the JSON value it holds, not as
 * text; text that is not JSON is kept as a string, which can never match the hash made when it was JSON.
 */
export function toExportedEvent(row: ChainRow): ExportedAuditEvent {
  return {
    id: row.id,
    accountId: row.account_id,
    seq: row.seq,
    actor: { id: row.actor_user_id, label: row.actor_label },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    ip: row.ip,
    details: parseDetails(row.details),
    createdAt: row.created_at,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

function parseDetails(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The hashed part of an exported event (everything but `hash`). */
export function withoutHash(event: ExportedAuditEvent): Omit<ExportedAuditEvent, "hash"> {
  const { hash: _hash, ...chained } = event;
  return chained;
}
