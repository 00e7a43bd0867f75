import type { Command } from "commander";
import { getAccountPolicy, setAccountPolicy } from "../../accounts/account-policy.js";
import { createAccount } from "../../accounts/create-account.js";
import { loadCliPasswords } from "../../config.js";
import { invalidField } from "../../errors.js";
import { getLeakPolicy, leakPolicies, setLeakPolicy } from "../../leaks/leak-policy.js";
import { commandIndex } from "../command-index.js";
import { operatorFor, resolveAccount, withContext } from "../open.js";
import { outputFor } from "../output.js";
import { readPassword } from "../password-input.js";

export function registerAccountCommands(program: Command): void {
  const accounts = program.command("accounts").description(commandIndex.accounts.description);
  accounts
    .command("create")
    .description(
      "Create an account with its first Administrator (password from --admin-password-stdin, KEYWARD_ADMIN_PASSWORD or a prompt)",
    )
    .requiredOption("--name <name>", "the marketplace's name")
    .requiredOption("--admin-email <email>", "the first Administrator's email")
    .option("--admin-password-stdin", "read the first Administrator's password from standard input")
    .option("--admin-password <password>", "their password (visible to other local users in ps)")
    .option("--admin-name <name>", "the first Administrator's display name")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const adminPassword = await readPassword({
        flag: options.adminPassword,
        flagName: "--admin-password",
        isStdin: Boolean(options.adminPasswordStdin),
        stdinFlagName: "--admin-password-stdin",
        env: loadCliPasswords().adminPassword,
        envName: "KEYWARD_ADMIN_PASSWORD",
        prompt: `Password for ${options.adminEmail}`,
      });
      const result = await withContext((ctx) =>
        createAccount(ctx, {
          account: {
            name: options.name,
            adminEmail: options.adminEmail,
            adminPassword,
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
    .command("set-policy")
    .description("Set the account's key policy: key lifetimes and the default rate limit")
    .requiredOption("--account <idOrName>", "the account")
    .option("--max-key-lifetime <duration>", "90d, 12h, … or none")
    .option("--default-key-lifetime <duration>", "30d, … or none (never expires)")
    .option("--default-rate-limit <limit>", "600/min, 10/s, 5000/h or none")
    .option("--leak-policy <policy>", "what a key found in public does: revoke (default) or notify")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const onlyLeakPolicy =
        options.leakPolicy !== undefined &&
        [options.maxKeyLifetime, options.defaultKeyLifetime, options.defaultRateLimit].every(
          (v) => v === undefined,
        );
      if (options.leakPolicy !== undefined && !leakPolicies.includes(options.leakPolicy)) {
        throw invalidField("--leak-policy", "must be revoke or notify.");
      }
      const { policy, leak } = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        const actor = operatorFor(account.id);
        const policy = onlyLeakPolicy
          ? await getAccountPolicy(ctx.db, { actor })
          : await setAccountPolicy(ctx, {
              actor,
              changes: {
                ...(options.maxKeyLifetime === undefined ? {} : { maxKeyLifetime: options.maxKeyLifetime }),
                ...(options.defaultKeyLifetime === undefined
                  ? {}
                  : { defaultKeyLifetime: options.defaultKeyLifetime }),
                ...(options.defaultRateLimit === undefined
                  ? {}
                  : { defaultRateLimit: options.defaultRateLimit }),
              },
            });
        const leak =
          options.leakPolicy === undefined
            ? await getLeakPolicy(ctx.db, { actor })
            : await setLeakPolicy(ctx, { actor, input: { leakPolicy: options.leakPolicy } });
        return { policy, leak };
      });
      out.result({ policy, leakPolicy: leak.leakPolicy }, [
        `Maximum key lifetime: ${policy.maxKeyLifetime ?? "none"}`,
        `Default key lifetime: ${policy.defaultKeyLifetime ?? "never expires"}`,
        `Default rate limit: ${policy.defaultRateLimit ?? "none"}`,
        `Leak policy: ${leak.leakPolicy}`,
      ]);
    });
  accounts
    .command("list")
    .description("List accounts")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
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
