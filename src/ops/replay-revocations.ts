import { type ExportedAuditEvent, hashAuditEvent, withoutHash } from "../audit/audit-chain.js";
import type { Context } from "../context.js";
import { AppError, invalidField } from "../errors.js";
import { revokeKey } from "../keys/revoke-key.js";
import type { Actor } from "../users/actor.js";

export interface ReplayRevocationsResult {
  /** Revocations in the export. */
  found: number;
  /** Keys that were active in this database and are revoked now. */
  revoked: string[];
  alreadyRevoked: number;
  /** Keys (or their accounts) this database doesn't have: made after the backup, nothing to do. */
  notFound: number;
}

/**
 * After restoring an older backup: revokes again every key an exported audit trail says was revoked,
 * so a restore never brings a revoked key back. Every line is checked first (JSON, the event's own
 * hash); one bad line refuses the whole file and nothing changes.
 */
export async function replayRevocations(
  ctx: Context,
  options: { exportText: string; source: string; operatorFor: (accountId: string) => Actor },
): Promise<ReplayRevocationsResult> {
  const revocations = parseRevocations(options.exportText, options.source);
  const result: ReplayRevocationsResult = {
    found: revocations.length,
    revoked: [],
    alreadyRevoked: 0,
    notFound: 0,
  };
  for (const { accountId, keyId } of revocations) {
    const key = await ctx.db
      .selectFrom("api_keys")
      .select(["id", "revoked_at"])
      .where("id", "=", keyId)
      .where("account_id", "=", accountId)
      .executeTakeFirst();
    if (!key) result.notFound++;
    else if (key.revoked_at !== null) result.alreadyRevoked++;
    else {
      await revokeKey(ctx, { actor: options.operatorFor(accountId), keyId }).catch((error: unknown) => {
        // Revoked by someone else since the check: the outcome is the same.
        if (error instanceof AppError && error.code === "conflict") return;
        throw error;
      });
      result.revoked.push(keyId);
    }
  }
  return result;
}

function parseRevocations(text: string, source: string): Array<{ accountId: string; keyId: string }> {
  const revocations: Array<{ accountId: string; keyId: string }> = [];
  const lines = text.split("\n");
  for (const [index, line] of lines.entries()) {
    if (line.trim() === "") continue;
    const where = `${source} line ${index + 1}`;
    let event: ExportedAuditEvent;
    try {
      event = JSON.parse(line) as ExportedAuditEvent;
    } catch {
      throw invalidField("--from", `${where} is not JSON; pass a file written by \`keyward audit export\`.`);
    }
    if (typeof event !== "object" || event === null || typeof event.hash !== "string") {
      throw invalidField("--from", `${where} is not an exported audit event (no hash).`);
    }
    if (hashAuditEvent(withoutHash(event)) !== event.hash) {
      throw invalidField("--from", `${where}: the event does not match its hash (altered after export).`);
    }
    if (event.action === "api_key.revoked" && event.target?.type === "api_key") {
      revocations.push({ accountId: event.accountId, keyId: event.target.id });
    }
  }
  return revocations;
}
