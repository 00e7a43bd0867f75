import type { Command } from "commander";
import { invalidField } from "../../errors.js";
import type { ApiKeyView } from "../../keys/key-view.js";
import { keyStatusFilters, listKeys } from "../../keys/list-keys.js";
import { parsePermissionList } from "../../keys/permissions.js";
import { commandIndex } from "../command-index.js";
import { actorByEmail, operatorFor, resolveAccount, withContext } from "../open.js";
import { outputFor } from "../output.js";
import { registerKeyUsageCommands } from "./key-usage.js";
import { registerCanaryCommand } from "./webhooks.js";

function describeKey(key: ApiKeyView): string {
  const status =
    key.status === "revoked"
      ? `revoked ${key.revokedAt} by ${key.revokedBy?.email ?? "cli"}`
      : key.status === "suspended"
        ? `suspended (${key.suspendedReason === "owner_deactivated" ? "owner deactivated" : "owner lost API access"})`
        : key.status.replace("_", " ");
  const expiry = key.expiresAt ? `  expires ${key.expiresAt}` : "";
  const ips = key.allowedIps ? `  from ${key.allowedIps.join(",")}` : "";
  const limit = key.rateLimit ? `  limit ${key.rateLimit}` : "";
  return `${key.id}  ${key.hint}  "${key.name}"  ${key.effectivePermissionsSummary}  owner ${key.owner.email}  ${status}${expiry}${ips}${limit}`;
}

/** --expires-in 30d|never, or --expires-at 2027-03-01T00:00:00Z (not both). */
function expiryOptions(options: { expiresIn?: string; expiresAt?: string }) {
  return {
    ...(options.expiresIn === undefined ? {} : { expiresIn: options.expiresIn }),
    ...(options.expiresAt === undefined ? {} : { expiresAt: options.expiresAt }),
  };
}

/** --allow-ip 203.0.113.7,10.0.0.0/8, or "any" for any address. */
function allowlistOption(text: string | undefined): string[] | null | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === "any") return null;
  return text
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
}

const printedOnce =
  "This is the only time the full key will ever be shown. Store it in a secure location now.";

/**
 * Each subcommand loads what it runs when it runs: `keys list` doesn't load key creation, rolling and
 * revocation with their webhooks, audit trail and zod schemas (≈100 KB of JavaScript, ≈20 ms of its
 * start-up, ARCHITECTURE.md "Start-up").
 */
export function registerKeyCommands(program: Command): void {
  const keys = program.command("keys").description(commandIndex.keys.description);
  registerCanaryCommand(keys);
  keys
    .command("create")
    .description("Generate a key owned by a user with API access; the key is printed once")
    .requiredOption("--owner <email>", "the user who owns the key")
    .option("--account <idOrName>", "the owner's account, when the email is a user in several")
    .requiredOption("--name <name>", 'a descriptive name, e.g. "Internal Reporting Dashboard"')
    .requiredOption("--permissions <list>", "all, or sections like reporting:read,orders:write")
    .option("--expires-in <duration>", "30d, 12h, … or never (default: the account's policy)")
    .option("--expires-at <instant>", "an ISO-8601 instant or a day (YYYY-MM-DD)")
    .option("--allow-ip <list>", "addresses and CIDR ranges the key may be used from (default: any)")
    .option("--rate-limit <limit>", "100/min, 10/s, 5000/h or none (default: the account's default)")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const permissions = parsePermissionList(String(options.permissions));
      const { createKey } = await import("../../keys/create-key.js");
      const result = await withContext(async (ctx) =>
        createKey(ctx, {
          actor: await actorByEmail(ctx, options.owner, { option: "--owner", account: options.account }),
          name: options.name,
          permissions,
          ...expiryOptions(options),
          allowedIps: allowlistOption(options.allowIp),
          ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
        }),
      );
      out.result(result, [`Created ${describeKey(result.key)}`, "", `  ${result.secret}`, "", printedOnce]);
    });

  keys
    .command("update")
    .description("Edit a key: name, permissions, expiry, allowlist or rate limit (owner or Administrator)")
    .requiredOption("--id <keyId>", "the key's id (key_…)")
    .requiredOption("--by <email>", "who makes the change (recorded in the audit trail)")
    .option("--account <idOrName>", "their account, when the email is a user in several")
    .option("--name <name>", "a new name")
    .option("--permissions <list>", "all, or sections like reporting:read,orders:write")
    .option("--expires-in <duration>", "30d, 12h, … or never")
    .option("--expires-at <instant>", "an ISO-8601 instant or a day (YYYY-MM-DD)")
    .option("--allow-ip <list>", "addresses and CIDR ranges, or any")
    .option("--rate-limit <limit>", "100/min, 10/s, 5000/h or none")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const { updateKey } = await import("../../keys/update-key.js");
      const key = await withContext(async (ctx) =>
        updateKey(ctx, {
          actor: await actorByEmail(ctx, options.by, { option: "--by", account: options.account }),
          keyId: options.id,
          ...(options.name === undefined ? {} : { name: options.name }),
          ...(options.permissions === undefined
            ? {}
            : { permissions: parsePermissionList(options.permissions) }),
          ...expiryOptions(options),
          allowedIps: allowlistOption(options.allowIp),
          ...(options.rateLimit === undefined ? {} : { rateLimit: options.rateLimit }),
        }),
      );
      out.result({ key }, [`Updated ${describeKey(key)}`]);
    });

  keys
    .command("roll")
    .description("Roll a key to a new secret (printed once); the old one works for the grace period")
    .requiredOption("--id <keyId>", "the key's id (key_…)")
    .requiredOption("--by <email>", "the owner or an Administrator (recorded in the audit trail)")
    .option("--account <idOrName>", "their account, when the email is a user in several")
    .option("--grace <duration>", "how long the old secret keeps working: 0, 1h, 24h, 7d", "0")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const { rollKey } = await import("../../keys/roll-key.js");
      const result = await withContext(async (ctx) =>
        rollKey(ctx, {
          actor: await actorByEmail(ctx, options.by, { option: "--by", account: options.account }),
          keyId: options.id,
          grace: options.grace,
        }),
      );
      const until = result.key.previousKeyValidUntil;
      out.result(result, [
        `Rolled ${describeKey(result.key)}`,
        until ? `The old secret works until ${until}.` : "The old secret stopped working now.",
        "",
        `  ${result.secret}`,
        "",
        printedOnce,
      ]);
    });

  keys
    .command("list")
    .description("List an account's keys")
    .requiredOption("--account <idOrName>", "the account")
    .option("--status <status>", keyStatusFilters.join(" | "), "all")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      if (!(keyStatusFilters as readonly string[]).includes(options.status)) {
        throw invalidField("--status", `must be one of ${keyStatusFilters.join(", ")}.`);
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
    .option("--account <idOrName>", "the Administrator's account, when the email is a user in several")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const { revokeKey } = await import("../../keys/revoke-key.js");
      const key = await withContext(async (ctx) =>
        revokeKey(ctx, {
          actor: await actorByEmail(ctx, options.by, { option: "--by", account: options.account }),
          keyId: options.id,
        }),
      );
      out.result({ key }, [`Revoked ${describeKey(key)}`]);
    });

  registerKeyUsageCommands(keys);
}
