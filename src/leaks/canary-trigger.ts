import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Db } from "../db/database.js";
import type { KeyRef } from "../webhooks/outbox.js";
import { recordDomainEvent } from "../webhooks/outbox.js";

/** A request made with a canary: when, from where, with what, on which route. */
export interface CanaryUse {
  at: string;
  ip: string;
  userAgent: string | null;
  route: string | null;
}

/**
 * Records that a canary was used (or reported found): an audit event and a key.canary_triggered event in
 * one transaction; the outbox sends the webhook, the email and the console notification.
 */
export async function recordCanaryTrigger(
  db: Db,
  options: {
    accountId: string;
    key: KeyRef;
    actor: { type: "anonymous"; label: string; ip: string | null };
    use?: CanaryUse;
    found?: { url: string; source: string };
  },
): Promise<void> {
  const { accountId, key, actor, use, found } = options;
  await db.transaction().execute(async (trx) => {
    await recordAuditEvent(trx, {
      accountId,
      actor,
      action: "api_key.canary_triggered",
      target: { type: "api_key", id: key.id },
      details: {
        name: key.name,
        hint: key.hint,
        ...(use ? { use } : {}),
        ...(found ? { foundAt: found.url, source: found.source } : {}),
      },
    });
    await recordDomainEvent(trx, {
      accountId,
      type: "key.canary_triggered",
      data: { key, ...(use ? { use } : {}), ...(found ? { url: found.url, source: found.source } : {}) },
    });
  });
}
