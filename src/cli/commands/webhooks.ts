import type { Command } from "commander";
import type { Config } from "../../config.js";
import { loadConfig } from "../../config.js";
import type { WebhookEndpointView } from "../../webhooks/endpoints.js";
import { commandIndex } from "../command-index.js";
import { actorByEmail, operatorFor, resolveAccount, withContext } from "../open.js";
import { outputFor } from "../output.js";

// What a subcommand runs is loaded when it runs (`keys canary` is registered with `keys list`, which
// must not load webhook delivery).
const endpoints = () => import("../../webhooks/endpoints.js");

function describeEndpoint(endpoint: WebhookEndpointView): string {
  const state = endpoint.isEnabled
    ? "enabled"
    : `disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ""}`;
  return `${endpoint.id}  ${endpoint.url}  ${endpoint.events.join(",")}  ${state}`;
}

function settingsOf(config: Config) {
  return { allowPrivate: config.webhooks.allowPrivate };
}

/** `keyward webhooks create|list|disable|enable|test`: the operator's side of Settings > Webhooks. */
export function registerWebhookCommands(program: Command): void {
  const webhooks = program.command("webhooks").description(commandIndex.webhooks.description);
  webhooks
    .command("create")
    .description("Add an endpoint; its signing secret (whsec_…) is printed once")
    .requiredOption("--account <idOrName>", "the account")
    .requiredOption(
      "--url <url>",
      "where deliveries are POSTed (public https unless KEYWARD_WEBHOOKS_ALLOW_PRIVATE)",
    )
    .requiredOption("--events <list>", "event types, e.g. key.revoked,key.leaked, or all")
    .option("--description <text>", "what the endpoint is for")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const config = loadConfig();
      const result = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return (await endpoints()).createEndpoint(ctx, {
          actor: operatorFor(account.id),
          input: {
            url: options.url,
            events: String(options.events)
              .split(",")
              .map((event) => event.trim())
              .filter(Boolean),
            ...(options.description === undefined ? {} : { description: options.description }),
          },
          settings: settingsOf(config),
        });
      });
      out.result(result, [
        `Created ${describeEndpoint(result.endpoint)}`,
        "",
        `  ${result.secret}`,
        "",
        "This is the only time the signing secret will be shown. Store it where the receiver can verify with it.",
      ]);
    });
  webhooks
    .command("list")
    .description("List the account's endpoints")
    .requiredOption("--account <idOrName>", "the account")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const items = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return (await endpoints()).listEndpoints(ctx.db, { actor: operatorFor(account.id) });
      });
      out.result({ items }, items.length === 0 ? ["No webhook endpoints."] : items.map(describeEndpoint));
    });
  for (const [name, isEnabled] of [
    ["disable", false],
    ["enable", true],
  ] as const) {
    webhooks
      .command(name)
      .description(isEnabled ? "Enable an endpoint (clears its failure run)" : "Stop sending to an endpoint")
      .requiredOption("--account <idOrName>", "the account")
      .requiredOption("--id <endpointId>", "the endpoint (whk_…)")
      .option("--json", "print one JSON object")
      .action(async (options) => {
        const out = outputFor(options);
        const config = loadConfig();
        const endpoint = await withContext(async (ctx) => {
          const account = await resolveAccount(ctx, options.account);
          return (await endpoints()).updateEndpoint(ctx, {
            actor: operatorFor(account.id),
            endpointId: options.id,
            input: { isEnabled },
            settings: settingsOf(config),
          });
        });
        out.result({ endpoint }, [describeEndpoint(endpoint)]);
      });
  }
  webhooks
    .command("test")
    .description("Queue a webhook.test event to an endpoint (a running server sends it)")
    .requiredOption("--account <idOrName>", "the account")
    .requiredOption("--id <endpointId>", "the endpoint (whk_…)")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const result = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return (await import("../../webhooks/delivery-log.js")).sendTestEvent(ctx, {
          actor: operatorFor(account.id),
          endpointId: options.id,
        });
      });
      out.result(result, [`Queued test event ${result.eventId}; a running Keyward server delivers it.`]);
    });
}

/** `keyward keys create-canary`: added to the keys group. */
export function registerCanaryCommand(keys: Command): void {
  keys
    .command("create-canary")
    .description("Create a canary key (no permissions; any use raises an alert); the key is printed once")
    .requiredOption("--account <idOrName>", "the account")
    .requiredOption("--name <name>", 'where it will be planted, e.g. "wiki: deploy page"')
    .requiredOption("--by <email>", "the Administrator who owns it and is alerted")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const result = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        const actor = await actorByEmail(ctx, options.by, { option: "--by", account: account.id });
        return (await import("../../leaks/canaries.js")).createCanary(ctx, {
          actor,
          input: { name: options.name },
        });
      });
      out.result(result, [
        `Created canary ${result.canary.id}  ${result.canary.hint}  "${result.canary.name}"`,
        "",
        `  ${result.secret}`,
        "",
        "Plant it where it should never be used. Any request with it is refused like an unknown key and raises an alert.",
      ]);
    });
}
