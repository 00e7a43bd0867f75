import type { Db } from "../db/database.js";
import { recordDomainEvent } from "./outbox.js";

const dayMs = 86_400_000;

/** Which notice a key is due, by time left: 7 days, 1 day, or expired. */
function noticeDue(expiresAt: number, now: number): "7d" | "1d" | "expired" | undefined {
  if (expiresAt <= now) return "expired";
  if (expiresAt - now <= dayMs) return "1d";
  if (expiresAt - now <= 7 * dayMs) return "7d";
  return undefined;
}

const order = { "7d": 1, "1d": 2, expired: 3 } as const;

/**
 * Emits key.expiring (7 days and 1 day before) and key.expired, once per key and expiry: the notice
 * sent is remembered with the expiry it was for (`7d@<expires_at>`), so extending a key re-arms it, and
 * the conditional update makes two instances sweeping at once emit it once.
 */
export async function sweepExpiringKeys(db: Db, now = Date.now()): Promise<number> {
  const candidates = await db
    .selectFrom("api_keys as k")
    .innerJoin("users as u", "u.id", "k.owner_user_id")
    .select([
      "k.id",
      "k.account_id",
      "k.name",
      "k.hint",
      "k.owner_user_id",
      "k.expires_at",
      "k.expiry_notice",
      "u.email",
    ])
    .where("k.revoked_at", "is", null)
    .where("k.is_canary", "=", 0)
    .where("k.expires_at", "is not", null)
    .where("k.expires_at", "<=", new Date(now + 7 * dayMs).toISOString())
    .where("k.expires_at", ">", new Date(now - 30 * dayMs).toISOString())
    .limit(1000)
    .execute();
  let emitted = 0;
  for (const key of candidates) {
    if (key.expires_at === null) continue;
    const due = noticeDue(Date.parse(key.expires_at), now);
    if (due === undefined) continue;
    const [sent, sentFor] = (key.expiry_notice ?? "").split("@");
    if (
      sentFor === key.expires_at &&
      sent !== undefined &&
      sent in order &&
      order[sent as keyof typeof order] >= order[due]
    )
      continue;
    const notice = `${due}@${key.expires_at}`;
    const isEmitted = await db.transaction().execute(async (trx) => {
      let update = trx.updateTable("api_keys").set({ expiry_notice: notice }).where("id", "=", key.id);
      update =
        key.expiry_notice === null
          ? update.where("expiry_notice", "is", null)
          : update.where("expiry_notice", "=", key.expiry_notice);
      const result = await update.executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) return false;
      const keyRef = {
        id: key.id,
        name: key.name,
        hint: key.hint,
        ownerId: key.owner_user_id,
        ownerEmail: key.email,
      };
      await recordDomainEvent(trx, {
        accountId: key.account_id,
        type: due === "expired" ? "key.expired" : "key.expiring",
        data: {
          key: keyRef,
          expiresAt: key.expires_at,
          ...(due === "expired" ? {} : { daysLeft: due === "7d" ? 7 : 1 }),
        },
      });
      return true;
    });
    if (isEmitted) emitted++;
  }
  return emitted;
}
