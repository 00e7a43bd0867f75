import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Receiver, startReceiver, verifyDelivery } from "../webhooks/support.js";
import { consoleSession } from "./admin-support.js";
import { createAccount, type Person } from "./cli.js";
import { ConsoleApi } from "./console-api.js";
import {
  type ConsolePage,
  expectAccessible,
  expectNoSidewaysScroll,
  expectShown,
  launchBrowser,
  openConsole,
  openDialog,
  phoneViewport,
  screenshot,
  signIn,
} from "./support.js";

// The e2e server runs with KEYWARD_WEBHOOKS_ALLOW_PRIVATE=true (global-setup.ts), so a receiver on
// 127.0.0.1 is accepted; the public-https rule itself is covered by test/webhooks.
describe("Settings > Webhooks", () => {
  let browser: Browser;
  let admin: Person;
  let desktop: ConsolePage;
  let receiver: Receiver;
  let secret = "";

  beforeAll(async () => {
    admin = (await createAccount("Hook Haberdashery", "Hana Admin")).admin;
    receiver = await startReceiver();
    browser = await launchBrowser();
    desktop = await openConsole(browser);
    await signIn(desktop.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
  });

  /** Reads the secret from its one showing, then closes the window. */
  async function takeShownSecret(title: string): Promise<string> {
    const { page } = desktop;
    const dialog = page.getByRole("dialog", { name: title });
    await dialog.waitFor();
    const shown = (await dialog.getByTestId("new-key-secret").textContent()) ?? "";
    await dialog.getByRole("button", { name: "Copy signing secret" }).click();
    await dialog.getByRole("button", { name: "Done" }).click();
    await dialog.waitFor({ state: "detached" });
    return shown.trim();
  }

  it("refuses a URL it may not send to, naming the field, and adds nothing", async () => {
    const { page } = desktop;
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("heading", { name: "No webhook endpoints yet" }).waitFor();
    const dialog = await openDialog(
      page,
      page.getByRole("button", { name: "Add endpoint" }),
      "Add webhook endpoint",
    );
    const url = dialog.getByRole("textbox", { name: "Endpoint URL" });
    await url.fill("ftp://files.example.com/hooks");
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    await expectShown(page, dialog.getByText("Must start with https://"));
    expect(await url.getAttribute("aria-invalid")).toBe("true");
    const listed = await (await consoleSession(admin)).request("GET", "/webhooks");
    expect(listed.body.items).toEqual([]);
  });

  it("adds an endpoint for chosen events and shows its signing secret once", async () => {
    const { page } = desktop;
    const dialog = page.getByRole("dialog", { name: "Add webhook endpoint" });
    await dialog.getByRole("textbox", { name: "Endpoint URL" }).fill(receiver.url);
    await dialog.getByRole("textbox", { name: "Description" }).fill("Incident bot");
    await dialog.getByRole("checkbox", { name: "All events" }).uncheck();
    await dialog.getByRole("checkbox", { name: "key.revoked" }).check();
    await dialog.getByRole("checkbox", { name: "key.leaked" }).check();
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    secret = await takeShownSecret("Your new webhook endpoint");
    expect(secret).toMatch(/^whsec_/);

    const row = page.getByRole("region", { name: "Webhook endpoints" }).getByRole("row").filter({
      hasText: receiver.url,
    });
    await row.getByText("key.leaked, key.revoked").waitFor();
    await row.getByText("Enabled").waitFor();
    await expectAccessible(page);
    await screenshot(page, "webhooks");
    // Shown once: nothing the console can load holds it again.
    expect(await page.getByText(secret).count()).toBe(0);
    const listed = await (await consoleSession(admin)).request("GET", "/webhooks");
    expect(JSON.stringify(listed.body)).not.toContain(secret);
  });

  it("sends a test event that the receiver verifies with the secret, and logs it with its status code", async () => {
    const { page } = desktop;
    await page.getByRole("link", { name: receiver.url }).click();
    await page.getByRole("heading", { name: receiver.url }).waitFor();
    await page.getByText("Nothing sent yet.").waitFor();
    await page.getByRole("button", { name: "Send test event" }).click();
    await page.getByText("Test event sent").waitFor();

    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(1);
    const [delivery] = receiver.received;
    if (!delivery) throw new Error("no delivery");
    expect(verifyDelivery(secret, delivery).type).toBe("webhook.test");

    const log = page.getByRole("region", { name: "Delivery log" });
    const row = log.getByRole("row").filter({ hasText: "webhook.test" });
    await row.getByText("HTTP 200").waitFor({ timeout: 20_000 });
    await row.getByText("Delivered").waitFor();
    expect(await row.getByRole("cell").nth(2).textContent()).toBe("1");
    await row.getByText(/\d+ ms/).waitFor();
    await expectAccessible(page);
    await screenshot(page, "webhook-deliveries");
  });

  it("rotates the secret after asking, and signs the next delivery with the new one", async () => {
    const { page } = desktop;
    const confirm = await openDialog(
      page,
      page.getByRole("button", { name: "Rotate secret" }),
      "Rotate signing secret",
    );
    await confirm.getByRole("button", { name: "Rotate secret" }).click();
    const rotated = await takeShownSecret("New signing secret");
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);

    await page.getByRole("button", { name: "Send test event" }).click();
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(2);
    const second = receiver.received[1];
    if (!second) throw new Error("no second delivery");
    expect(() => verifyDelivery(secret, second)).toThrow();
    expect(verifyDelivery(rotated, second).type).toBe("webhook.test");
  });

  it("edits the events and disables the endpoint; a disabled endpoint offers no test event", async () => {
    const { page } = desktop;
    const dialog = await openDialog(
      page,
      page.getByRole("button", { name: "Edit" }),
      "Edit webhook endpoint",
    );
    await dialog.getByRole("checkbox", { name: "All events" }).check();
    await dialog.getByRole("button", { name: "Save endpoint" }).click();
    await page.getByText("Webhook endpoint saved").waitFor();
    await page.getByText("All events").first().waitFor();

    await page.getByRole("button", { name: "Disable" }).click();
    await page.getByText("Webhook endpoint disabled").waitFor();
    await page.getByRole("button", { name: "Enable" }).waitFor();
    expect(await page.getByRole("button", { name: "Send test event" }).isDisabled()).toBe(true);
    const listed = await (await consoleSession(admin)).request("GET", "/webhooks");
    expect(listed.body.items).toMatchObject([{ url: receiver.url, events: ["*"], isEnabled: false }]);

    await page.getByRole("link", { name: "Webhooks" }).first().click();
    const row = page.getByRole("region", { name: "Webhook endpoints" }).getByRole("row").filter({
      hasText: receiver.url,
    });
    await row.getByText("Disabled").waitFor();
    // The list tells how the latest delivery (the second test event) went.
    await row.getByText("Delivered").waitFor();
    await row.getByText("HTTP 200").waitFor();
  });

  it("adds an endpoint disabled from the start when asked", async () => {
    const { page } = desktop;
    const paused = `${receiver.url}/paused`;
    const dialog = await openDialog(
      page,
      page.getByRole("button", { name: "Add endpoint" }),
      "Add webhook endpoint",
    );
    await dialog.getByRole("textbox", { name: "Endpoint URL" }).fill(paused);
    await dialog.getByRole("switch", { name: "Enabled" }).uncheck();
    await dialog.getByRole("button", { name: "Add endpoint" }).click();
    expect(await takeShownSecret("Your new webhook endpoint")).toMatch(/^whsec_/);
    const row = page
      .getByRole("region", { name: "Webhook endpoints" })
      .getByRole("row")
      .filter({
        has: page.getByRole("link", { name: paused, exact: true }),
      });
    await row.getByText("Disabled").waitFor();
    await row.getByText("All events").waitFor();
  });

  it("fits a phone's width, list and delivery log alike", async () => {
    const { page, context } = await openConsole(browser, { viewport: phoneViewport });
    await signIn(page, admin);
    await page.goto("/settings/webhooks");
    await page.getByRole("link", { name: receiver.url, exact: true }).waitFor();
    await expectNoSidewaysScroll(page, "/settings/webhooks at 390 px");
    await expectAccessible(page);
    await page.getByRole("link", { name: receiver.url, exact: true }).click();
    await page.getByRole("region", { name: "Delivery log" }).waitFor();
    await expectNoSidewaysScroll(page, "a webhook endpoint's page at 390 px");
    await context.close();
  });

  it("keeps Managers out: no Webhooks in their menu, the plain explanation, and a 403 from the server", async () => {
    const manager = await (await ConsoleApi.signIn(admin)).createManager("Milo Manager", {
      hasApiAccess: true,
    });
    const { page, context } = await openConsole(browser);
    await signIn(page, manager);
    expect(
      await page
        .getByRole("navigation", { name: "Main menu" })
        .getByRole("link", { name: "Webhooks" })
        .count(),
    ).toBe(0);
    await page.goto("/settings/webhooks");
    await expectShown(page, page.getByText("Only Administrators can manage the account's webhooks."));
    await page.goto("/settings/webhooks/whk_anything");
    await expectShown(page, page.getByText("Only Administrators can manage the account's webhooks."));
    const refused = await (await consoleSession(manager)).request("GET", "/webhooks");
    expect(refused.status).toBe(403);
    await context.close();
  });
});
