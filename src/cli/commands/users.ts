import type { Command } from "commander";
import type { Context } from "../../context.js";
import { AppError } from "../../errors.js";
import { createUser } from "../../users/create-user.js";
import { deactivateUser } from "../../users/deactivate-user.js";
import { findUserByEmail, listUsers } from "../../users/list-users.js";
import { grantApiAccess, removeApiAccess } from "../../users/set-api-access.js";
import type { UserView } from "../../users/user-view.js";
import { operatorFor, resolveAccount, withContext } from "../open.js";
import { createOutput } from "../output.js";

const roleLabel = { administrator: "Administrator", marketplace_manager: "Marketplace Manager" } as const;

function describeUser(user: UserView): string {
  const access = user.hasApiAccess ? "API access" : "no API access";
  return `${user.email}  ${roleLabel[user.role]}  ${access}  ${user.isActive ? "active" : "deactivated"}  (${user.id})`;
}

/** The operator acting on the user with this email, in that user's account. */
async function asOperatorOn(ctx: Context, email: string) {
  const target = await findUserByEmail(ctx.db, email);
  if (!target) throw new AppError("not_found", `--email: no user with email ${email}.`);
  return { actor: operatorFor(target.account_id), userId: target.id };
}

export function registerUserCommands(program: Command): void {
  const users = program.command("users").description("Users of an account");
  users
    .command("create")
    .description("Create a user")
    .requiredOption("--account <idOrName>", "the account")
    .requiredOption("--email <email>", "their email (used to sign in)")
    .requiredOption("--role <role>", "administrator | marketplace_manager")
    .requiredOption("--password <password>", "initial password (12+ characters)")
    .option("--name <name>", "display name (defaults to the part of the email before @)")
    .option("--api-access", "grant API access (Marketplace Managers; Administrators always have it)")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
      const user = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return createUser(ctx, {
          actor: operatorFor(account.id),
          user: {
            email: options.email,
            name: options.name ?? String(options.email).split("@")[0] ?? "",
            role: options.role,
            password: options.password,
            apiAccess: Boolean(options.apiAccess),
          },
        });
      });
      out.result({ user }, [`Created ${describeUser(user)}`]);
    });

  users
    .command("list")
    .description("List an account's users")
    .requiredOption("--account <idOrName>", "the account")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
      const items = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return listUsers(ctx.db, { actor: operatorFor(account.id) });
      });
      out.result({ items }, items.map(describeUser));
    });

  const access = users
    .command("api-access")
    .description("Grant or remove a Marketplace Manager's API access");
  for (const [verb, run] of [
    ["grant", grantApiAccess],
    ["remove", removeApiAccess],
  ] as const) {
    access
      .command(verb)
      .description(
        verb === "grant" ? "Grant API access" : "Remove API access: their keys stop working at once",
      )
      .requiredOption("--email <email>", "the user")
      .option("--json", "print one JSON object")
      .action(async (options) => {
        const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
        const user = await withContext(async (ctx) => run(ctx, await asOperatorOn(ctx, options.email)));
        out.result({ user }, [describeUser(user)]);
      });
  }

  users
    .command("deactivate")
    .description("Deactivate a user: their sessions end and their keys stop working")
    .requiredOption("--email <email>", "the user")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
      const user = await withContext(async (ctx) =>
        deactivateUser(ctx, await asOperatorOn(ctx, options.email)),
      );
      out.result({ user }, [describeUser(user)]);
    });
}
