import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import { type Actor, isAdministrator } from "./actor.js";
import { toUserView, type UserView } from "./user-view.js";

const userColumns = [
  "u.id",
  "u.email",
  "u.name",
  "u.role",
  "u.api_access_granted_at",
  "u.deactivated_at",
  "u.created_at",
] as const;

/** Every user of the actor's account with their count of active keys; Administrators only. */
export async function listUsers(db: Db, options: { actor: Actor }): Promise<UserView[]> {
  const { actor } = options;
  if (!isAdministrator(actor))
    throw new AppError("administrator_required", "Only an Administrator can list users.");
  const rows = await db
    .selectFrom("users as u")
    .leftJoin("api_keys as k", (join) =>
      join.onRef("k.owner_user_id", "=", "u.id").on("k.revoked_at", "is", null),
    )
    .select([...userColumns, (eb) => eb.fn.count<string | number>("k.id").as("active_key_count")])
    .where("u.account_id", "=", actor.accountId)
    .groupBy([...userColumns])
    .orderBy("u.created_at")
    .orderBy("u.id")
    .execute();
  return rows.map((row) => toUserView(row, Number(row.active_key_count)));
}

/** Finds a user by email across accounts (CLI and sign-in address users by email). */
export async function findUserByEmail(db: Db, email: string) {
  return db
    .selectFrom("users")
    .selectAll()
    .where("email", "=", email.trim().toLowerCase())
    .executeTakeFirst();
}
