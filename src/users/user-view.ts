import type { Db } from "../db/database.js";
import type { Role, UsersTable } from "../db/schema.js";
import { notFound } from "../errors.js";
import type { Actor } from "./actor.js";

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  hasApiAccess: boolean;
  isActive: boolean;
  createdAt: string;
  deactivatedAt: string | null;
  activeKeyCount: number;
}

type UserRow = Pick<
  UsersTable,
  "id" | "email" | "name" | "role" | "api_access_granted_at" | "deactivated_at" | "created_at"
>;

/** Administrators always have API access; Managers only once granted. Deactivated users have none. */
export function hasApiAccess(
  row: Pick<UsersTable, "role" | "api_access_granted_at" | "deactivated_at">,
): boolean {
  return row.deactivated_at === null && (row.role === "administrator" || row.api_access_granted_at !== null);
}

export function toUserView(row: UserRow, activeKeyCount: number): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    hasApiAccess: hasApiAccess(row),
    isActive: row.deactivated_at === null,
    createdAt: row.created_at,
    deactivatedAt: row.deactivated_at,
    activeKeyCount,
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

export async function countActiveKeys(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom("api_keys")
    .select((eb) => eb.fn.countAll<string | number>().as("count"))
    .where("owner_user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(row?.count ?? 0);
}

export async function loadUserView(db: Db, accountId: string, userId: string): Promise<UserView> {
  const row = await findUserInAccount(db, accountId, userId);
  return toUserView(row, await countActiveKeys(db, userId));
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
