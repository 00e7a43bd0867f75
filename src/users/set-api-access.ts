import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { AppError } from "../errors.js";
import { nowIso } from "../shared/time.js";
import { type Actor, isAdministrator } from "./actor.js";
import { findUserInAccount, loadUserView, type UserView } from "./user-view.js";

export interface SetApiAccessOptions {
  actor: Actor;
  userId: string;
}

/** Grants a Marketplace Manager API access; their existing keys work again at once. */
export function grantApiAccess(ctx: Context, options: SetApiAccessOptions): Promise<UserView> {
  return setApiAccess(ctx, options, true);
}

/** Removes a Marketplace Manager's API access; their keys stop authenticating at once. */
export function removeApiAccess(ctx: Context, options: SetApiAccessOptions): Promise<UserView> {
  return setApiAccess(ctx, options, false);
}

async function setApiAccess(
  ctx: Context,
  options: SetApiAccessOptions,
  isGranted: boolean,
): Promise<UserView> {
  const { actor } = options;
  if (!isAdministrator(actor)) {
    throw new AppError("administrator_required", "Only an Administrator can grant or remove API access.");
  }
  const changed = await ctx.db.transaction().execute(async (trx) => {
    const user = await findUserInAccount(trx, actor.accountId, options.userId);
    if (user.role === "administrator") {
      if (isGranted) return false;
      throw new AppError("conflict", "Administrators always have API access; it cannot be removed.");
    }
    if ((user.api_access_granted_at !== null) === isGranted) return false;
    await trx
      .updateTable("users")
      .set({ api_access_granted_at: isGranted ? nowIso() : null })
      .where("id", "=", user.id)
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: isGranted ? "user.api_access_granted" : "user.api_access_removed",
      target: { type: "user", id: user.id },
      details: {
        email: user.email,
        before: { hasApiAccess: !isGranted },
        after: { hasApiAccess: isGranted },
      },
    });
    return true;
  });
  if (changed) await ctx.changes.ownerChanged(options.userId);
  return loadUserView(ctx.db, actor.accountId, options.userId);
}
