import { loadConfig } from "../config.js";
import type { Context } from "../context.js";
import { type Database, openDatabase } from "../db/database.js";
import { migrateToLatest } from "../db/migrate.js";
import { AppError } from "../errors.js";
import { noLocalCache } from "../keys/verification-changes.js";
import type { Actor } from "../users/actor.js";
import { findUserByEmail } from "../users/list-users.js";
import { actorForUser } from "../users/user-view.js";

/** Opens and migrates the configured database for one CLI command, and closes it afterwards. */
export async function withContext<T>(run: (ctx: Context, database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database);
    const { cliVerificationChanges } = await import("./cli-changes.js");
    return await run(
      { db: database.db, changes: await cliVerificationChanges(database, noLocalCache) },
      database,
    );
  } finally {
    await database.close();
  }
}

/** An account by id or exact name. */
export async function resolveAccount(ctx: Context, idOrName: string) {
  const rows = await ctx.db
    .selectFrom("accounts")
    .selectAll()
    .where((eb) => eb.or([eb("id", "=", idOrName), eb("name", "=", idOrName)]))
    .execute();
  if (rows.length === 0)
    throw new AppError("not_found", `--account: no account with id or name "${idOrName}".`);
  if (rows.length > 1)
    throw new AppError("invalid_request", `--account: several accounts are named "${idOrName}"; use the id.`);
  const [account] = rows;
  if (!account) throw new AppError("not_found", `--account: no account "${idOrName}".`);
  return account;
}

/** The user with this email acting on their own behalf (their role's rules apply as in the console). */
export async function actorByEmail(ctx: Context, email: string, option: string): Promise<Actor> {
  const user = await findUserByEmail(ctx.db, email);
  if (!user) throw new AppError("not_found", `${option}: no user with email ${email}.`);
  if (user.deactivated_at !== null)
    throw new AppError("invalid_request", `${option}: ${email} is deactivated.`);
  return actorForUser(user, null);
}

export function operatorFor(accountId: string): Actor {
  return { type: "operator", accountId, ip: null };
}
