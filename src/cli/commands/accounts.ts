import type { Command } from "commander";
import { createAccount } from "../../accounts/create-account.js";
import { withContext } from "../open.js";
import { createOutput } from "../output.js";

export function registerAccountCommands(program: Command): void {
  const accounts = program.command("accounts").description("Marketplace accounts");
  accounts
    .command("create")
    .description("Create an account with its first Administrator (and its demo marketplace data)")
    .requiredOption("--name <name>", "the marketplace's name")
    .requiredOption("--admin-email <email>", "the first Administrator's email")
    .requiredOption("--admin-password <password>", "the first Administrator's password (12+ characters)")
    .option("--admin-name <name>", "the first Administrator's display name")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
      const result = await withContext((ctx) =>
        createAccount(ctx, {
          account: {
            name: options.name,
            adminEmail: options.adminEmail,
            adminPassword: options.adminPassword,
            adminName: options.adminName,
          },
        }),
      );
      out.result(result, [
        `Created account ${result.account.name} (${result.account.id}).`,
        `Administrator: ${result.administrator.email} (${result.administrator.id})`,
      ]);
    });
  accounts
    .command("list")
    .description("List accounts")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
      const items = await withContext((ctx) =>
        ctx.db
          .selectFrom("accounts")
          .select(["id", "name", "created_at as createdAt"])
          .orderBy("id")
          .execute(),
      );
      out.result({ items }, items.length ? items.map((a) => `${a.id}  ${a.name}`) : ["No accounts yet."]);
    });
}
