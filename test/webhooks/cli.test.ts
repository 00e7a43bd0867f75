import { describe, expect, it } from "vitest";
import { expectRefused, expectSucceeded, setUpCliDatabase } from "../cli/cli-database.js";
import { jsonOutput } from "../support/cli.js";

// The operator's side of webhooks, canaries and the leak policy: the same domain operations as the
// console; these check the CLI's own part (options, the secret printed once, bad input refused).
const db = setUpCliDatabase();

describe("keyward webhooks, keys create-canary and accounts set-policy --leak-policy", () => {
  it("creates an endpoint printing its secret once, lists it without the secret, and disables it", {
    timeout: 180_000,
  }, async () => {
    const account = await db.seedAccount();
    const created = await db.cli(
      "webhooks",
      "create",
      "--account",
      account.name,
      "--url",
      "https://93.184.215.14/hooks",
      "--events",
      "key.revoked,key.leaked",
      "--json",
    );
    expectSucceeded(created);
    const { endpoint, secret } = jsonOutput<{ endpoint: { id: string; events: string[] }; secret: string }>(
      created,
    );
    expect(secret).toMatch(/^whsec_/);
    expect(endpoint.events).toEqual(["key.leaked", "key.revoked"]);
    const listed = await db.cli("webhooks", "list", "--account", account.name);
    expectSucceeded(listed);
    expect(listed.stdout).toContain(endpoint.id);
    expect(listed.stdout).not.toContain(secret);
    expectSucceeded(await db.cli("webhooks", "disable", "--account", account.name, "--id", endpoint.id));
    const row = await db
      .ctx()
      .db.selectFrom("webhook_endpoints")
      .select("is_enabled")
      .where("id", "=", endpoint.id)
      .executeTakeFirstOrThrow();
    expect(row.is_enabled).toBe(0);
  });

  it("refuses a private URL and an unknown event, saving nothing", { timeout: 180_000 }, async () => {
    const account = await db.seedAccount();
    const privateUrl = await db.cli(
      "webhooks",
      "create",
      "--account",
      account.name,
      "--url",
      "https://10.0.0.8/h",
      "--events",
      "all",
    );
    expectRefused(privateUrl, /url: must be a public address/);
    const unknownEvent = await db.cli(
      "webhooks",
      "create",
      "--account",
      account.name,
      "--url",
      "https://93.184.215.14/h",
      "--events",
      "key.stolen",
    );
    expectRefused(unknownEvent, /events: "key.stolen" is not an event type/);
    const rows = await db
      .ctx()
      .db.selectFrom("webhook_endpoints")
      .select("id")
      .where("account_id", "=", account.accountId)
      .execute();
    expect(rows).toEqual([]);
  });

  it("creates a canary for an Administrator, not for a Manager, and sets the leak policy", {
    timeout: 180_000,
  }, async () => {
    const account = await db.seedAccount({ managerApiAccess: true });
    const canary = await db.cli(
      "keys",
      "create-canary",
      "--account",
      account.name,
      "--name",
      "wiki: deploy",
      "--by",
      account.adminEmail,
      "--json",
    );
    expectSucceeded(canary);
    const { secret } = jsonOutput<{ secret: string }>(canary);
    expect(secret).toMatch(/^mpk_/);
    expectRefused(
      await db.cli(
        "keys",
        "create-canary",
        "--account",
        account.name,
        "--name",
        "mine",
        "--by",
        account.managerEmail,
      ),
      /Administrator/,
    );
    expectSucceeded(
      await db.cli("accounts", "set-policy", "--account", account.name, "--leak-policy", "notify"),
    );
    expectRefused(
      await db.cli("accounts", "set-policy", "--account", account.name, "--leak-policy", "ignore"),
      /--leak-policy/,
    );
    const row = await db
      .ctx()
      .db.selectFrom("accounts")
      .select("leak_policy")
      .where("id", "=", account.accountId)
      .executeTakeFirstOrThrow();
    expect(row.leak_policy).toBe("notify");
  });
});
