import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import { type Actor, isAdministrator } from "./actor.js";
import { isLiveKeySql, toUserView, type UserView } from "./user-view.js";

const userColumns = [
  "u.id",
  "u.email",
  "u.name",
  "u.role",
  "u.api_access_granted_at",
  "u.deactivated_at",
  "u.created_at",
  "u.permission_ceiling",
] as const;

/** Every user of the actor's account with their key counts; Administrators only. */
export async function listUsers(db: Db, options: { actor: Actor }): Promise<UserView[]> {
  const { actor } = options;
  if (!isAdministrator(actor))
    throw new AppError("administrator_required", "Only an Administrator can list users.");
  const rows = await db
    .selectFrom("users as u")
    .leftJoin("api_keys as k", (join) =>
      join.onRef("k.owner_user_id", "=", "u.id").on(isLiveKeySql("k", new Date().toISOString())),
    )
    .select([...userColumns, (eb) => eb.fn.count<number>("k.id").as("live_key_count")])
    .where("u.account_id", "=", actor.accountId)
    .groupBy([...userColumns])
    .orderBy("u.created_at")
    .orderBy("u.id")
    .execute();
  return rows.map((row) => toUserView(row, row.live_key_count));
}

export interface FindUsersByEmailOptions {
  email: string;
  /** Only in the account with this id or exact name. */
  account?: string | undefined;
}

/**
 * The users with this email: one per account at most, several across accounts. Sign-in and the CLI
 * address users by email; the account, when given, narrows it to one. Each row has its account's name.
 */
export async function findUsersByEmail(db: Db, options: FindUsersByEmailOptions) {
  const { account } = options;
  let query = db
    .selectFrom("users as u")
    .innerJoin("accounts as a", "a.id", "u.account_id")
    .selectAll("u")
    .select("a.name as account_name")
    .where("u.email", "=", options.email.trim().toLowerCase());
  if (account !== undefined)
    query = query.where((eb) => eb.or([eb("a.id", "=", account), eb("a.name", "=", account)]));
  return query.orderBy("u.id").execute();
}

/** The user with this email when a single account has it (tests, benchmarks); throws when several do. */
export async function findUserByEmail(db: Db, email: string) {
  const users = await findUsersByEmail(db, { email });
  if (users.length > 1) {
    throw new AppError("invalid_request", `email: ${email} is a user in several accounts; name the account.`);
  }
  return users[0];
}
