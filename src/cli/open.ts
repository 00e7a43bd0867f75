import { loadConfig } from "../config.js";
import type { Context } from "../context.js";
import type { Database } from "../db/database.js";
import { assertSchemaReady } from "../db/migrate.js";
import { openDatabase } from "../db/open-database.js";
import { AppError } from "../errors.js";
import { noLocalCache } from "../keys/verification/verification-changes.js";
import { applySectionCatalogue } from "../marketplace/sections.js";
import type { Actor } from "../users/actor.js";
import { findUsersByEmail } from "../users/list-users.js";
import { actorForUser } from "../users/user-view.js";

/**
 * Opens the configured database for one CLI command, and closes it afterwards. Only `migrate` and
 * `serve` change the schema: a command run during a rollout must not migrate under the old instances.
 */
export async function withContext<T>(run: (ctx: Context, database: Database) => Promise<T>): Promise<T> {
  const config = loadConfig();
  applySectionCatalogue(config.sections);
  // Two connections at most: a command run at the database's connection limit needs few.
  const database = await openDatabase(config.databaseUrl, { ...config.databasePool, size: 2 });
  let closeChanges = async () => {};
  try {
    await assertSchemaReady(database);
    const { cliVerificationChanges } = await import("./cli-changes.js");
    const { changes, close } = await cliVerificationChanges(database, noLocalCache);
    closeChanges = close;
    return await run({ db: database.db, changes }, database);
  } finally {
    await closeChanges();
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

/**
 * The one user with this email, in the account given with --account when there is one. Emails are
 * unique per account, so an email in several accounts needs --account; the operator is told which.
 */
export async function userByEmail(ctx: Context, email: string, where: { option: string; account?: string }) {
  const account = where.account === undefined ? undefined : await resolveAccount(ctx, where.account);
  const users = await findUsersByEmail(ctx.db, { email, account: account?.id });
  const [user, ...others] = users;
  if (!user) {
    const scope = account ? ` in account ${account.name} (${account.id})` : "";
    throw new AppError("not_found", `${where.option}: no user with email ${email}${scope}.`);
  }
  if (others.length > 0) {
    const accounts = users.map((u) => `${u.account_name} (${u.account_id})`).join(", ");
    throw new AppError(
      "invalid_request",
      `${where.option}: ${email} is a user in several accounts: ${accounts}. Add --account with one of them.`,
      { fields: ["--account"] },
    );
  }
  return user;
}

/** The user with this email acting on their own behalf (their role's rules apply as in the console). */
export async function actorByEmail(
  ctx: Context,
  email: string,
  where: { option: string; account?: string },
): Promise<Actor> {
  const user = await userByEmail(ctx, email, where);
  if (user.deactivated_at !== null)
    throw new AppError("invalid_request", `${where.option}: ${email} is deactivated.`);
  return actorForUser(user, null);
}

export function operatorFor(accountId: string): Actor {
  return { type: "operator", accountId, ip: null };
}
