import type { Command } from "commander";
import type { Context } from "../../context.js";
import { invalidField, notFound } from "../../errors.js";
import { type UsageRange, usageRanges } from "../../usage/usage-ranges.js";
import { operatorFor, resolveAccount, withContext } from "../open.js";
import { outputFor } from "../output.js";

/** The operator acting in the account that holds the key. */
async function operatorForKey(ctx: Context, keyId: string) {
  const key = await ctx.db
    .selectFrom("api_keys")
    .select("account_id")
    .where("id", "=", keyId)
    .executeTakeFirst();
  if (!key) throw notFound(`--id: API key ${keyId}`);
  return operatorFor(key.account_id);
}

export function registerKeyUsageCommands(keys: Command): void {
  keys
    .command("usage")
    .description("What a key did: requests by status class and by route")
    .requiredOption("--id <keyId>", "the key's id (key_…)")
    .option("--since <range>", Object.keys(usageRanges).join(" | "), "24h")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      if (!(options.since in usageRanges)) {
        throw invalidField("--since", `must be one of ${Object.keys(usageRanges).join(", ")}.`);
      }
      const usage = await withContext(async (ctx) =>
        (await import("../../usage/key-usage.js")).getKeyUsage(ctx.db, {
          actor: await operatorForKey(ctx, options.id),
          keyId: options.id,
          range: options.since as UsageRange,
        }),
      );
      const { totals } = usage;
      const result = {
        keyId: options.id,
        since: options.since,
        requests: totals.requests,
        byStatusClass: {
          "2xx": totals["2xx"],
          "3xx": totals["3xx"],
          "4xx": totals["4xx"],
          "5xx": totals["5xx"],
        },
        refused: totals.refused,
        byRoute: usage.routes,
        clientIps: usage.clientIps,
      };
      out.result(result, [
        `${totals.requests} requests in the last ${options.since}: ${totals["2xx"]} 2xx, ${totals["4xx"]} 4xx (${totals.refused} refused), ${totals["5xx"]} 5xx`,
        ...usage.routes.map((route) => `  ${route.requests}  ${route.route}  (${route.errors} errors)`),
      ]);
    });

  keys
    .command("advice")
    .description("Keys that hold more permissions than they use, or sit unused")
    .requiredOption("--account <idOrName>", "the account")
    .option("--days <n>", "days of usage to judge by (1-90)", "30")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const days = Number(options.days);
      if (!Number.isInteger(days) || days < 1 || days > 90)
        throw invalidField("--days", "must be a whole number from 1 to 90.");
      const items = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return (await import("../../usage/key-advice.js")).listAccountAdvice(ctx.db, {
          actor: operatorFor(account.id),
          days,
        });
      });
      out.result(
        { items },
        items.length
          ? items.map((advice) =>
              advice.unusedSince
                ? `${advice.keyId}  unused since ${advice.unusedSince}`
                : `${advice.keyId}  ${advice.exercisedSummary}: narrow to ${advice.suggestionSummary}`,
            )
          : ["No advice: every key uses what it holds."],
      );
    });
}
