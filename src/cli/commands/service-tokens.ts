import type { Command } from "commander";
import {
  createServiceToken,
  listServiceTokens,
  revokeServiceToken,
  type ServiceTokenView,
} from "../../service/service-tokens.js";
import { commandIndex } from "../command-index.js";
import { actorByEmail, operatorFor, resolveAccount, withContext } from "../open.js";
import { outputFor } from "../output.js";

function describeToken(token: ServiceTokenView): string {
  const status = token.status === "revoked" ? `revoked ${token.revokedAt}` : "active";
  const used = token.lastUsedAt ? `  last used ${token.lastUsedAt}` : "";
  return `${token.id}  ${token.hint}  "${token.name}"  ${status}${used}`;
}

const printedOnce =
  "This is the only time the full service token will ever be shown. Store it in your backend's secret store now.";

/** `keyward service-tokens create|list|revoke`: tokens for the operator's own backends (Administrators). */
export function registerServiceTokenCommands(program: Command): void {
  const tokens = program.command("service-tokens").description(commandIndex["service-tokens"].description);
  tokens
    .command("create")
    .description("Create a service token; it is printed once")
    .requiredOption("--account <idOrName>", "the account whose keys the token may verify")
    .requiredOption("--name <name>", 'which backend uses it, e.g. "orders-service (production)"')
    .requiredOption("--by <adminEmail>", "the Administrator creating it (recorded in the audit trail)")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const result = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        const actor = await actorByEmail(ctx, options.by, { option: "--by", account: account.id });
        return createServiceToken(ctx, { actor, name: options.name });
      });
      out.result(result, [
        `Created ${describeToken(result.token)}`,
        "",
        `  ${result.secret}`,
        "",
        printedOnce,
      ]);
    });
  tokens
    .command("list")
    .description("List an account's service tokens")
    .requiredOption("--account <idOrName>", "the account")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const items = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return listServiceTokens(ctx, { actor: operatorFor(account.id) });
      });
      out.result({ items }, items.length === 0 ? ["No service tokens."] : items.map(describeToken));
    });
  tokens
    .command("revoke")
    .description("Revoke a service token permanently; backends using it are refused")
    .requiredOption("--id <tokenId>", "the token's id (svt_…)")
    .requiredOption("--by <adminEmail>", "the Administrator revoking it (recorded in the audit trail)")
    .option("--account <idOrName>", "the Administrator's account, when the email is a user in several")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const token = await withContext(async (ctx) =>
        revokeServiceToken(ctx, {
          actor: await actorByEmail(ctx, options.by, { option: "--by", account: options.account }),
          tokenId: options.id,
        }),
      );
      out.result({ token }, [`Revoked ${describeToken(token)}`]);
    });
}
