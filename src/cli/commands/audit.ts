import type { Command } from "commander";
import { listAuditEvents } from "../../audit/list-audit-events.js";
import { AppError } from "../../errors.js";
import { operatorFor, resolveAccount, withContext } from "../open.js";
import { createOutput } from "../output.js";

export function registerAuditCommand(program: Command): void {
  program
    .command("audit")
    .description("An account's audit trail, newest first")
    .requiredOption("--account <idOrName>", "the account")
    .option("--action <action>", "only this action, e.g. api_key.revoked")
    .option("--limit <n>", "how many events (1-1000)", "50")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new AppError("invalid_request", "--limit: must be a whole number from 1 to 1000.");
      }
      const result = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return listAuditEvents(ctx.db, { actor: operatorFor(account.id), action: options.action, limit });
      });
      out.result(
        { items: result.items },
        result.items.map(
          (e) => `${e.createdAt}  ${e.actor.label}  ${e.action}  ${e.target.type}:${e.target.id}`,
        ),
      );
    });
}
