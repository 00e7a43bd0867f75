import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createManager, type Person } from "./cli.js";
import { launchBrowser, openConsole, signIn } from "./support.js";

// The console's CSP would also refuse the inline handlers below; the DOM checks prove more than that: the
// names are rendered as text, never as markup.
const hostileKeyName = `<img src=x onerror="window.__injected=1">`;
const hostileUserName = `<b onmouseover="window.__injected=2">Bold</b> Manager`;

describe("names render as text in the console", () => {
  let browser: Browser;
  let admin: Person;

  beforeAll(async () => {
    const account = await createAccount("Injection Market", "Ivy Admin");
    admin = account.admin;
    await createManager(account.accountId, hostileUserName);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows a key named with HTML as that literal text and runs nothing", async () => {
    const { page } = await openConsole(browser);
    await signIn(page, admin);
    await page.getByRole("button", { name: "API Key", exact: true }).click();
    const form = page.getByRole("dialog", { name: "Generate API Key" });
    await form.getByRole("textbox", { name: "Name" }).fill(hostileKeyName);
    await form.getByRole("radio", { name: "All permissions" }).check();
    await form.getByRole("button", { name: "Generate API Key" }).click();
    await page
      .getByRole("dialog", { name: "Your new API key" })
      .getByRole("button", { name: "Done" })
      .click();

    await page.getByRole("cell", { name: hostileKeyName, exact: true }).waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __injected?: number }).__injected),
    ).toBeUndefined();
  });

  it("shows a user named with HTML as that literal text on the Users page", async () => {
    const { page } = await openConsole(browser);
    await signIn(page, admin);
    await page.goto("/users");
    await page.getByText(hostileUserName, { exact: true }).first().waitFor();
    expect(await page.locator("b[onmouseover]").count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as unknown as { __injected?: number }).__injected),
    ).toBeUndefined();
  });
});
