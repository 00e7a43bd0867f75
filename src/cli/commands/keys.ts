import type { Command } from "commander";
import { AppError } from "../../errors.js";
import { createKey } from "../../keys/create-key.js";
import type { ApiKeyView } from "../../keys/key-view.js";
import { listKeys } from "../../keys/list-keys.js";
import { parsePermissionList } from "../../keys/permissions.js";
import { revokeKey } from "../../keys/revoke-key.js";
import { actorByEmail, operatorFor, resolveAccount, withContext } from "../open.js";
import { createOutput } from "../output.js";

function describeKey(key: ApiKeyView): string {
  const status =
    key.status === "revoked" ? `revoked ${key.revokedAt} by ${key.revokedBy?.email ?? "cli"}` : "active";
  return `${key.id}  ${key.hint}  "${key.name}"  ${key.permissionsSummary}  owner ${key.owner.email}  ${status}`;
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command("keys").description("API keys");
  keys
    .command("create")
    .description("Generate a key owned by a user with API access; the key is printed once")
    .requiredOption("--owner <email>", "the user who owns the key")
    .requiredOption("--name <name>", 'a descriptive name, e.g. "Internal Reporting Dashboard"')
    .requiredOption("--permissions <list>", "all, or sections like reporting:read,orders:write")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
      const permissions = parsePermissionList(String(options.permissions));
      const result = await withContext(async (ctx) =>
        createKey(ctx, {
          actor: await actorByEmail(ctx, options.owner, "--owner"),
          name: options.name,
          permissions,
        }),
      );
      out.result(result, [
        `Created ${describeKey(result.key)}`,
        "",
        `  ${result.secret}`,
        "",
        "This is the only time the full key will ever be shown. Store it in a secure location now.",
      ]);
    });

  keys
    .command("list")
    .description("List an account's keys")
    .requiredOption("--account <idOrName>", "the account")
    .option("--status <status>", "active | revoked | all", "all")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
      if (!["active", "revoked", "all"].includes(options.status)) {
        throw new AppError("invalid_request", "--status: must be active, revoked or all.");
      }
      const items = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        const all: ApiKeyView[] = [];
        let cursor: string | undefined;
        do {
          const page = await listKeys(ctx.db, {
            actor: operatorFor(account.id),
            status: options.status,
            cursor,
            limit: 100,
          });
          all.push(...page.items);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return all;
      });
      out.result({ items }, items.length ? items.map(describeKey) : ["No keys."]);
    });

  keys
    .command("revoke")
    .description("Revoke a key permanently; integrations using it stop working immediately")
    .requiredOption("--id <keyId>", "the key's id (key_…)")
    .requiredOption("--by <adminEmail>", "the Administrator revoking it (recorded in the audit trail)")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
      const key = await withContext(async (ctx) =>
        revokeKey(ctx, { actor: await actorByEmail(ctx, options.by, "--by"), keyId: options.id }),
      );
      out.result({ key }, [`Revoked ${describeKey(key)}`]);
    });
}
