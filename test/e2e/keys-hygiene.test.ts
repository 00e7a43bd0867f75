import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createManager, type Person } from "./cli.js";
import { choose, consoleSession, keyRow, openGenerate, takeSecret } from "./keys-support.js";
import {
  type ConsolePage,
  callApi,
  expectAccessible,
  expectShown,
  launchBrowser,
  openConsole,
  openDialog,
  screenshot,
  signIn,
} from "./support.js";

describe("key hygiene in the console: expiry, allowlist, rate limit, roll and statuses", () => {
  let browser: Browser;
  let admin: Person;
  let manager: Person;
  let desktop: ConsolePage;

  beforeAll(async () => {
    const account = await createAccount("Fabrikam Outlet", "Fay Admin");
    admin = account.admin;
    manager = await createManager(account.accountId, "Max Manager");
    browser = await launchBrowser();
    desktop = await openConsole(browser);
    await signIn(desktop.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("generates a key that expires in 30 days, works only from listed addresses and is rate limited, and shows all three on its page", async () => {
    const { page } = desktop;
    const form = await openGenerate(page);
    await form.getByRole("textbox", { name: "Name" }).fill("Warehouse sync");
    await form.getByRole("radio", { name: "All permissions" }).check();
    await choose(form, page, "Expires", "30 days");
    await form.getByRole("textbox", { name: "Allowed IP addresses" }).fill("127.0.0.1\n10.0.0.0/8");
    await form.getByRole("textbox", { name: "Rate limit" }).fill("100/min");
    await expectAccessible(page);
    await form.getByRole("button", { name: "Generate API Key" }).click();
    const secret = await takeSecret(page, "Your new API key");
    // Esc after "Copied" closes the window without asking again.
    expect(await page.getByRole("dialog", { name: "Have you copied your key?" }).count()).toBe(0);

    await keyRow(page, "Warehouse sync")
      .getByText(/^Expires on /)
      .waitFor();
    await page.getByRole("link", { name: "Warehouse sync", exact: true }).click();
    await page.getByRole("heading", { name: "Warehouse sync" }).waitFor();
    const expiry = new Date(Date.now() + 30 * 86_400_000).toLocaleDateString("en-US", {
      month: "short",
      day: "numeric",
      year: "numeric",
      timeZone: "UTC",
    });
    expect(await page.getByTestId("key-expiry").textContent()).toContain(`Expires on ${expiry}`);
    expect(await page.getByTestId("key-allowlist").textContent()).toBe("127.0.0.1, 10.0.0.0/8");
    expect(await page.getByTestId("key-rate-limit").textContent()).toContain("100/min");
    await expectAccessible(page);
    // The allowlist admits the e2e client (127.0.0.1) and the limit is far away.
    expect(await callApi("/api/v1/key", secret)).toBe(200);
  });

  it("refuses an allowlist entry that is not an address, naming it, and generates nothing", async () => {
    const { page } = desktop;
    await page.goto("/account/api-keys");
    const form = await openGenerate(page);
    await form.getByRole("textbox", { name: "Name" }).fill("Bad allowlist");
    await form.getByRole("radio", { name: "All permissions" }).check();
    await form.getByRole("textbox", { name: "Allowed IP addresses" }).fill("not-an-address");
    // Esc on a half-filled form asks before discarding it.
    await page.keyboard.press("Escape");
    const discard = page.getByRole("dialog", { name: "Discard this key?" });
    await discard.waitFor();
    await expectAccessible(page);
    await discard.getByRole("button", { name: "Keep editing" }).click();
    await discard.waitFor({ state: "hidden" });
    expect(await form.getByRole("textbox", { name: "Allowed IP addresses" }).inputValue()).toBe(
      "not-an-address",
    );
    await form.getByRole("button", { name: "Generate API Key" }).click();
    await expectShown(page, page.getByText(/not-an-address/).last());
    expect(await page.getByRole("dialog", { name: "Your new API key" }).count()).toBe(0);
    await form.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("link", { name: "Warehouse sync", exact: true }).waitFor();
    expect(await page.getByRole("link", { name: "Bad allowlist", exact: true }).count()).toBe(0);
  });

  it("rolls a key with a 24-hour grace period: the new secret shows once and the key shows both secrets' state", async () => {
    const { page } = desktop;
    const admins = await consoleSession(admin);
    const original = await admins.createKey("Payments bridge");
    await page.goto(`/account/api-keys/${original.id}`);
    await page.getByRole("heading", { name: "Payments bridge" }).waitFor();
    expect(await page.getByTestId("roll-window").count()).toBe(0);

    const dialog = await openDialog(
      page,
      page.getByRole("button", { name: "Roll", exact: true }),
      "Roll API Key",
    );
    await dialog.getByRole("radio", { name: "24 hours" }).check();
    await screenshot(page, "roll-key");
    await dialog.getByRole("button", { name: "Roll API Key" }).click();
    const window = page.getByRole("dialog", { name: "Your rolled API key" });
    await window.waitFor();
    expect(await window.getByTestId("roll-note").textContent()).toMatch(
      new RegExp(
        `The old secret ${original.hint.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} keeps working until`,
      ),
    );
    await screenshot(page, "roll-key-window");
    const rolled = await takeSecret(page, "Your rolled API key");
    expect(rolled).not.toBe(original.secret);

    const rollWindow = page.getByTestId("roll-window");
    await rollWindow.waitFor();
    expect(await rollWindow.textContent()).toContain(original.hint);
    expect(await rollWindow.textContent()).toContain("keeps working until");
    await page.getByTestId("key-status").getByText("Rolled", { exact: true }).waitFor();
    await expectAccessible(page);
    await screenshot(page, "key-detail-rolled");
    // Both secrets work during the grace period.
    expect(await callApi("/api/v1/key", original.secret)).toBe(200);
    expect(await callApi("/api/v1/key", rolled)).toBe(200);

    // Rolling again with no grace ends the old one at once, and the page says so.
    await openDialog(page, page.getByRole("button", { name: "Roll", exact: true }), "Roll API Key");
    await page.getByRole("radio", { name: "Stop the old secret now" }).check();
    await page.getByRole("button", { name: "Roll API Key" }).click();
    const again = page.getByRole("dialog", { name: "Your rolled API key" });
    expect(await again.getByTestId("roll-note").textContent()).toBe("The old secret stopped working now.");
    const newest = await takeSecret(page, "Your rolled API key");
    await rollWindow.waitFor({ state: "hidden" });
    expect(await callApi("/api/v1/key", rolled)).toBe(401);
    expect(await callApi("/api/v1/key", newest)).toBe(200);
  });

  it("shows an expired key as Expired with the day it expired", async () => {
    const { page } = desktop;
    const admins = await consoleSession(admin);
    const key = await admins.createKey("Short-lived export", { expiresIn: "2s" });
    await new Promise((wake) => setTimeout(wake, 2_500));
    expect(await callApi("/api/v1/key", key.secret)).toBe(401);
    await page.goto("/account/api-keys?status=expired");
    const row = keyRow(page, "Short-lived export");
    await row.getByText("Expired", { exact: true }).waitFor();
    await row.getByText(/^Expired on /).waitFor();
    await expectAccessible(page);
    await page.goto(`/account/api-keys/${key.id}`);
    await page
      .getByTestId("key-status")
      .getByText(/^Expired on /)
      .waitFor();
    expect(await page.getByTestId("key-status").textContent()).not.toContain("Active");
  });

  it("shows a Manager's key as Suspended because its owner lost API access, and Active again once restored", async () => {
    const { page } = desktop;
    const admins = await consoleSession(admin);
    await admins.call("POST", `/users/${manager.id}/api-access`);
    const managers = await consoleSession(manager);
    await managers.createKey("Max's order feed");
    await admins.call("DELETE", `/users/${manager.id}/api-access`);

    await page.goto("/account/api-keys?status=suspended");
    const row = keyRow(page, "Max's order feed");
    await row.getByText("Suspended", { exact: true }).waitFor();
    await row.getByText("Suspended — owner lost API access").waitFor();
    expect(await row.getByText("Active", { exact: true }).count()).toBe(0);
    await expectAccessible(page);

    await admins.call("POST", `/users/${manager.id}/api-access`);
    await page.goto("/account/api-keys?status=suspended");
    await page.getByText("No keys match this view").waitFor();
  });
});
