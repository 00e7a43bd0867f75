import type * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import {
  describePermissions,
  deserializePermissionsOrNull,
  type Permissions,
  permissionsInputSchema,
  serializePermissions,
  validatePermissions,
} from "../keys/permissions.js";
import { parseInput } from "../shared/validation.js";
import { type Actor, requireAdministrator } from "./actor.js";
import { findUserInAccount, loadUserView, type UserView } from "./user-view.js";

/** A Manager's ceiling as a request sends it: All permissions, or sections at read or write. */
export const ceilingInputSchema = permissionsInputSchema.describe(
  "The most this Manager's keys may hold: All permissions, or chosen sections at read or read & write.",
);

/** The ceiling that applies to a user's keys; Administrators have none (null). */
export async function ceilingOf(db: Db, userId: string): Promise<Permissions | null> {
  const row = await db
    .selectFrom("users")
    .select(["role", "permission_ceiling"])
    .where("id", "=", userId)
    .executeTakeFirstOrThrow();
  return row.role === "administrator" ? null : deserializePermissionsOrNull(row.permission_ceiling);
}

/**
 * Sets what a Manager's keys may hold, inside the caller's transaction (granting access sets it too).
 * Returns whether it changed; the caller announces `ownerChanged` after commit so every cached key of
 * the Manager is narrowed on its next request.
 */
export async function writeCeiling(
  db: Db,
  options: { actor: Actor; userId: string; ceiling: Permissions },
): Promise<boolean> {
  const user = await findUserInAccount(db, options.actor.accountId, options.userId);
  if (user.role === "administrator") {
    throw new AppError(
      "conflict",
      "Administrators have no permission ceiling: their keys may hold any permission.",
    );
  }
  const before = deserializePermissionsOrNull(user.permission_ceiling) ?? { all: true };
  const after = options.ceiling;
  if (JSON.stringify(before) === JSON.stringify(after)) return false;
  await db
    .updateTable("users")
    .set({ permission_ceiling: after.all ? null : serializePermissions(after) })
    .where("id", "=", user.id)
    .execute();
  await recordAuditEvent(db, {
    accountId: options.actor.accountId,
    actor: options.actor,
    action: "user.permission_ceiling_changed",
    target: { type: "user", id: user.id },
    details: {
      email: user.email,
      before: { ceiling: describePermissions(before) },
      after: { ceiling: describePermissions(after) },
    },
  });
  return true;
}

/** Administrators only: changes a Manager's ceiling; their cached keys narrow on the next request. */
export async function setPermissionCeiling(
  ctx: Context,
  options: { actor: Actor; userId: string; ceiling: z.input<typeof ceilingInputSchema> },
): Promise<UserView> {
  requireAdministrator(options.actor);
  const ceiling = validatePermissions(parseInput(ceilingInputSchema, options.ceiling, "ceiling"), "ceiling");
  const changed = await ctx.db
    .transaction()
    .execute((trx) => writeCeiling(trx, { actor: options.actor, userId: options.userId, ceiling }));
  if (changed) await ctx.changes.ownerChanged(options.userId);
  return loadUserView(ctx.db, options.actor.accountId, options.userId);
}
