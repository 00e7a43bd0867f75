import type { Command } from "commander";
import { loadCliPasswords } from "../../config.js";
import type { Context } from "../../context.js";
import { parsePermissionList } from "../../keys/permissions.js";
import { createUser } from "../../users/create-user.js";
import { deactivateUser } from "../../users/deactivate-user.js";
import { listUsers } from "../../users/list-users.js";
import { type Role, roles } from "../../users/roles.js";
import { grantApiAccess, removeApiAccess } from "../../users/set-api-access.js";
import { setUserPassword } from "../../users/set-password.js";
import type { UserView } from "../../users/user-view.js";
import { commandIndex } from "../command-index.js";
import { operatorFor, resolveAccount, userByEmail, withContext } from "../open.js";
import { outputFor } from "../output.js";
import { readPassword } from "../password-input.js";

const roleLabel = Object.fromEntries(roles.map((role) => [role.id, role.label])) as Record<Role, string>;

function describeUser(user: UserView): string {
  const access = user.hasApiAccess ? "API access" : "no API access";
  const ceiling = user.permissionCeilingSummary ? `  keys limited to ${user.permissionCeilingSummary}` : "";
  return `${user.email}  ${roleLabel[user.role]}  ${access}${ceiling}  ${user.isActive ? "active" : "deactivated"}  (${user.id})`;
}

/** The operator acting on the user with this email, in that user's account. */
async function asOperatorOn(ctx: Context, options: { email: string; account?: string }) {
  const target = await userByEmail(ctx, options.email, { option: "--email", account: options.account });
  return { actor: operatorFor(target.account_id), userId: target.id };
}

const accountOption = [
  "--account <idOrName>",
  "the user's account, when the email is a user in several",
] as const;

/** --password, --password-stdin, KEYWARD_PASSWORD or a prompt: see readPassword. */
function readUserPassword(options: { password?: string; passwordStdin?: boolean }, prompt: string) {
  return readPassword({
    flag: options.password,
    flagName: "--password",
    isStdin: Boolean(options.passwordStdin),
    stdinFlagName: "--password-stdin",
    env: loadCliPasswords().password,
    envName: "KEYWARD_PASSWORD",
    prompt,
  });
}

export function registerUserCommands(program: Command): void {
  const users = program.command("users").description(commandIndex.users.description);
  users
    .command("create")
    .description("Create a user (password from --password-stdin, KEYWARD_PASSWORD or a prompt)")
    .requiredOption("--account <idOrName>", "the account")
    .requiredOption("--email <email>", "their email (used to sign in)")
    .requiredOption("--role <role>", "administrator | marketplace_manager")
    .option("--password-stdin", "read the initial password from standard input")
    .option("--password <password>", "initial password (visible to other local users in ps)")
    .option("--name <name>", "display name (defaults to the part of the email before @)")
    .option("--api-access", "grant API access (Marketplace Managers; Administrators always have it)")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const user = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        const password = await readUserPassword(options, `Password for ${options.email}`);
        return createUser(ctx, {
          actor: operatorFor(account.id),
          user: {
            email: options.email,
            name: options.name ?? String(options.email).split("@")[0] ?? "",
            role: options.role,
            password,
            apiAccess: Boolean(options.apiAccess),
          },
        });
      });
      out.result({ user }, [`Created ${describeUser(user)}`]);
    });

  users
    .command("set-password")
    .description("Set a user's password (e.g. they are locked out); all their sessions end")
    .requiredOption("--email <email>", "the user")
    .option(...accountOption)
    .option("--password-stdin", "read the new password from standard input")
    .option("--password <password>", "the new password (visible to other local users in ps)")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const result = await withContext(async (ctx) => {
        const target = await asOperatorOn(ctx, options);
        const password = await readUserPassword(options, `New password for ${options.email}`);
        return setUserPassword(ctx, { ...target, password });
      });
      out.result(result, [
        `Set the password of ${describeUser(result.user)}`,
        `Signed out ${result.endedSessions} session${result.endedSessions === 1 ? "" : "s"}.`,
      ]);
    });

  users
    .command("list")
    .description("List an account's users")
    .requiredOption("--account <idOrName>", "the account")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const items = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return listUsers(ctx.db, { actor: operatorFor(account.id) });
      });
      out.result({ items }, items.map(describeUser));
    });

  const access = users
    .command("api-access")
    .description("Grant or remove a Marketplace Manager's API access");
  access
    .command("grant")
    .description("Grant API access, optionally within a permission ceiling (what their keys may hold)")
    .requiredOption("--email <email>", "the user")
    .option(...accountOption)
    .option(
      "--ceiling <list>",
      "all, or sections like reporting:read,orders:write (default: keep; all for a first grant)",
    )
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const ceiling =
        options.ceiling === undefined ? undefined : parsePermissionList(String(options.ceiling), "--ceiling");
      const user = await withContext(async (ctx) =>
        grantApiAccess(ctx, { ...(await asOperatorOn(ctx, options)), ceiling }),
      );
      out.result({ user }, [describeUser(user)]);
    });
  access
    .command("remove")
    .description("Remove API access: their keys stop working at once")
    .requiredOption("--email <email>", "the user")
    .option(...accountOption)
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const user = await withContext(async (ctx) => removeApiAccess(ctx, await asOperatorOn(ctx, options)));
      out.result({ user }, [describeUser(user)]);
    });

  users
    .command("deactivate")
    .description("Deactivate a user: their sessions end and their keys stop working")
    .requiredOption("--email <email>", "the user")
    .option(...accountOption)
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const user = await withContext(async (ctx) => deactivateUser(ctx, await asOperatorOn(ctx, options)));
      out.result({ user }, [describeUser(user)]);
    });
}
