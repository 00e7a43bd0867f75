import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { lockRowsForUpdate } from "../db/locks.js";
import { AppError } from "../errors.js";
import { nowIso } from "../shared/time.js";
import { recordDomainEvent } from "../webhooks/outbox.js";
import { type Actor, actorLabel, isAdministrator } from "./actor.js";
import { findUserInAccount, loadUserView, type UserView } from "./user-view.js";

export interface DeactivateUserOptions {
  actor: Actor;
  userId: string;
}

/** Deactivates a user: their sessions end and their keys stop authenticating at once. */
export async function deactivateUser(ctx: Context, options: DeactivateUserOptions): Promise<UserView> {
  const { actor } = options;
  if (!isAdministrator(actor)) {
    throw new AppError("administrator_required", "Only an Administrator can deactivate users.");
  }
  if (actor.type === "user" && actor.userId === options.userId) {
    throw new AppError("conflict", "You can't deactivate yourself; ask another Administrator.");
  }
  await ctx.db.transaction().execute(async (trx) => {
    // The target and every active Administrator, in id order: two Administrators deactivating each
    // other on two instances then take turns, and the second sees the first's change.
    await lockRowsForUpdate(
      trx,
      trx
        .selectFrom("users")
        .select("id")
        .where("account_id", "=", actor.accountId)
        .where((eb) =>
          eb.or([
            eb("id", "=", options.userId),
            eb.and([eb("role", "=", "administrator"), eb("deactivated_at", "is", null)]),
          ]),
        )
        .orderBy("id"),
    );
    const user = await findUserInAccount(trx, actor.accountId, options.userId);
    if (user.deactivated_at !== null) throw new AppError("conflict", "This user is already deactivated.");
    if (user.role === "administrator") {
      const others = await trx
        .selectFrom("users")
        .select("id")
        .where("account_id", "=", actor.accountId)
        .where("role", "=", "administrator")
        .where("deactivated_at", "is", null)
        .where("id", "!=", user.id)
        .executeTakeFirst();
      if (!others) throw new AppError("conflict", "The last active Administrator can't be deactivated.");
    }
    await trx.updateTable("users").set({ deactivated_at: nowIso() }).where("id", "=", user.id).execute();
    await trx.deleteFrom("sessions").where("user_id", "=", user.id).execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "user.deactivated",
      target: { type: "user", id: user.id },
      details: { email: user.email, before: { isActive: true }, after: { isActive: false } },
    });
    await recordDomainEvent(trx, {
      accountId: actor.accountId,
      type: "user.deactivated",
      data: { user: { id: user.id, email: user.email }, actor: actorLabel(actor) },
    });
  });
  await ctx.changes.ownerChanged(options.userId);
  return loadUserView(ctx.db, actor.accountId, options.userId);
}
