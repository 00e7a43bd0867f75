import { sql } from "kysely";
import * as z from "zod";
import type { Db } from "../db/database.js";
import type { UsersTable } from "../db/schema.js";
import { notFound } from "../errors.js";
import {
  describePermissions,
  deserializePermissionsOrNull,
  permissionsViewSchema,
} from "../keys/permissions.js";
import { timestampSchema } from "../shared/schemas.js";
import type { Actor } from "./actor.js";
import { roleSchema } from "./roles.js";

/** A user as Administrators and the console see them (never the password hash). */
export const userSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: roleSchema,
    hasApiAccess: z.boolean(),
    isActive: z.boolean(),
    createdAt: timestampSchema,
    deactivatedAt: timestampSchema.nullable(),
    activeKeyCount: z
      .int()
      .nonnegative()
      .describe("Keys that work now: not revoked, not expired, owner has access."),
    suspendedKeyCount: z
      .int()
      .nonnegative()
      .describe("Keys that would work again if the user had API access: not revoked, not expired."),
    permissionCeiling: permissionsViewSchema
      .nullable()
      .describe("A Manager's limit on what their keys may hold; null: no limit (All permissions)."),
    permissionCeilingSummary: z.string().nullable(),
  })
  .meta({ id: "User" });
export type UserView = z.infer<typeof userSchema>;

type UserRow = Pick<
  UsersTable,
  | "id"
  | "email"
  | "name"
  | "role"
  | "api_access_granted_at"
  | "deactivated_at"
  | "created_at"
  | "permission_ceiling"
>;

type AccessRow = Pick<UsersTable, "role" | "api_access_granted_at" | "deactivated_at">;

/**
 * The one rule for API access, used by verification and every view: Administrators always have it,
 * Managers once granted, deactivated users never.
 */
export function ownerAccessOf(row: AccessRow): "granted" | "none" | "deactivated" {
  if (row.deactivated_at !== null) return "deactivated";
  return row.role === "administrator" || row.api_access_granted_at !== null ? "granted" : "none";
}

export function hasApiAccess(row: AccessRow): boolean {
  return ownerAccessOf(row) === "granted";
}

/** `hasApiAccess` as SQL over a users table alias, for list filters: the same rule, written once more here. */
export function hasApiAccessSql(alias: string) {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<boolean>`(${column("deactivated_at")} is null and (${column("role")} = 'administrator' or ${column("api_access_granted_at")} is not null))`;
}

/** `liveKeyCount`: the user's keys that are neither revoked nor expired. */
export function toUserView(row: UserRow, liveKeyCount: number): UserView {
  const isUsable = hasApiAccess(row);
  const ceiling = row.role === "administrator" ? null : deserializePermissionsOrNull(row.permission_ceiling);
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    hasApiAccess: hasApiAccess(row),
    isActive: row.deactivated_at === null,
    createdAt: row.created_at,
    deactivatedAt: row.deactivated_at,
    activeKeyCount: isUsable ? liveKeyCount : 0,
    suspendedKeyCount: isUsable ? 0 : liveKeyCount,
    permissionCeiling: ceiling,
    permissionCeilingSummary: ceiling === null ? null : describePermissions(ceiling),
  };
}

/** Loads a user of the given account; another account's id is simply not found. */
export async function findUserInAccount(db: Db, accountId: string, userId: string) {
  const row = await db
    .selectFrom("users")
    .selectAll()
    .where("id", "=", userId)
    .where("account_id", "=", accountId)
    .executeTakeFirst();
  if (!row) throw notFound("User");
  return row;
}

/** Keys neither revoked nor expired: they work whenever their owner has API access. */
export function isLiveKeySql(alias: string, now: string) {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<boolean>`(${column("revoked_at")} is null and (${column("expires_at")} is null or ${column("expires_at")} > ${now}))`;
}

export async function countLiveKeys(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("api_keys as k")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("k.owner_user_id", "=", userId)
    .where(isLiveKeySql("k", new Date().toISOString()))
    .executeTakeFirst();
  return row?.count ?? 0;
}

export async function loadUserView(db: Db, accountId: string, userId: string): Promise<UserView> {
  const row = await findUserInAccount(db, accountId, userId);
  return toUserView(row, await countLiveKeys(db, userId));
}

/** The Actor for a user row acting on their own behalf. */
export function actorForUser(
  row: Pick<UsersTable, "id" | "account_id" | "email" | "role" | "api_access_granted_at" | "deactivated_at">,
  ip: string | null,
): Actor {
  return {
    type: "user",
    userId: row.id,
    accountId: row.account_id,
    email: row.email,
    role: row.role,
    hasApiAccess: hasApiAccess(row),
    ip,
  };
}
