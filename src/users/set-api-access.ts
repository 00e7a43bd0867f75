import type * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { lockRowsForUpdate } from "../db/locks.js";
import { AppError } from "../errors.js";
import { type Permissions, validatePermissions } from "../keys/permissions.js";
import { nowIso } from "../shared/time.js";
import { parseInput } from "../shared/validation.js";
import { recordDomainEvent } from "../webhooks/outbox.js";
import { type Actor, actorLabel, isAdministrator } from "./actor.js";
import { ceilingInputSchema, writeCeiling } from "./permission-ceiling.js";
import { findUserInAccount, loadUserView, type UserView } from "./user-view.js";

export interface SetApiAccessOptions {
  actor: Actor;
  userId: string;
}

export interface GrantApiAccessOptions extends SetApiAccessOptions {
  /** What the Manager's keys may hold; unchanged when absent (All permissions for a new grant). */
  ceiling?: z.input<typeof ceilingInputSchema> | undefined;
}

/** Grants a Marketplace Manager API access (within a ceiling); their existing keys work again at once. */
export async function grantApiAccess(ctx: Context, options: GrantApiAccessOptions): Promise<UserView> {
  const ceiling =
    options.ceiling === undefined
      ? undefined
      : validatePermissions(parseInput(ceilingInputSchema, options.ceiling, "ceiling"), "ceiling");
  return setApiAccess(ctx, options, true, ceiling);
}

/** Removes a Marketplace Manager's API access; their keys stop authenticating at once. */
export function removeApiAccess(ctx: Context, options: SetApiAccessOptions): Promise<UserView> {
  return setApiAccess(ctx, options, false);
}

async function setApiAccess(
  ctx: Context,
  options: SetApiAccessOptions,
  isGranted: boolean,
  ceiling?: Permissions,
): Promise<UserView> {
  const { actor } = options;
  if (!isAdministrator(actor)) {
    throw new AppError("administrator_required", "Only an Administrator can grant or remove API access.");
  }
  const changed = await ctx.db.transaction().execute(async (trx) => {
    // Concurrent grants and removals of one user take turns, so each judges (and audits) the latest state.
    await lockRowsForUpdate(
      trx,
      trx
        .selectFrom("users")
        .select("id")
        .where("id", "=", options.userId)
        .where("account_id", "=", actor.accountId),
    );
    const user = await findUserInAccount(trx, actor.accountId, options.userId);
    if (user.role === "administrator") {
      // A ceiling silently dropped would leave the caller believing this Administrator is limited.
      if (isGranted && ceiling !== undefined) {
        throw new AppError(
          "conflict",
          "Administrators have no permission ceiling: their keys may hold any permission.",
        );
      }
      if (isGranted) return false;
      throw new AppError("conflict", "Administrators always have API access; it cannot be removed.");
    }
    const ceilingChanged =
      ceiling !== undefined && (await writeCeiling(trx, { actor, userId: user.id, ceiling }));
    if ((user.api_access_granted_at !== null) === isGranted) return ceilingChanged;
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
    await recordDomainEvent(trx, {
      accountId: actor.accountId,
      type: isGranted ? "user.api_access_granted" : "user.api_access_removed",
      data: { user: { id: user.id, email: user.email }, actor: actorLabel(actor) },
    });
    return true;
  });
  if (changed) await ctx.changes.ownerChanged(options.userId);
  return loadUserView(ctx.db, actor.accountId, options.userId);
}
