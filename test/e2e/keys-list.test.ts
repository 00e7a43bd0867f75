import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createManager, type Person } from "./cli.js";
import { choose, consoleSession } from "./keys-support.js";
import {
  type ConsolePage,
  expectAccessible,
  expectNoSidewaysScroll,
  launchBrowser,
  openConsole,
  phoneViewport,
  screenshot,
  signIn,
} from "./support.js";

async function shownNames(page: Page): Promise<string[]> {
  return page.getByRole("region", { name: "API keys" }).getByRole("link").allTextContents();
}

describe("the keys list keeps its search, sort and filters in the URL", () => {
  let browser: Browser;
  let admin: Person;
  let manager: Person;
  let desktop: ConsolePage;
  let keyId = "";

  beforeAll(async () => {
    const account = await createAccount("Tailspin Traders", "Tia Admin");
    admin = account.admin;
    manager = await createManager(account.accountId, "Omar Owner");
    const admins = await consoleSession(admin);
    await admins.call("POST", `/users/${manager.id}/api-access`);
    const managers = await consoleSession(manager);
    keyId = (await admins.createKey("alpha reporting", { expiresIn: "90d" })).id;
    await admins.createKey("Beta Orders", { expiresIn: "7d" });
    await admins.createKey("gamma reporting", { expiresIn: "30d" });
    await managers.createKey("Omar reporting feed", { expiresIn: "60d" });
    await admins.createKey(`Unbroken${"x".repeat(92)}`);
    browser = await launchBrowser();
    desktop = await openConsole(browser);
    await signIn(desktop.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("searches by name, sorts by expiry and filters by owner, and a reload shows the same keys", async () => {
    const { page } = desktop;
    await page.goto("/account/api-keys");
    await page.getByRole("textbox", { name: "Search" }).fill("REPORTING");
    await expect
      .poll(() => shownNames(page))
      .toEqual(["Omar reporting feed", "gamma reporting", "alpha reporting"]);
    await choose(page, page, "Sort", "Expiring first");
    await expect
      .poll(() => shownNames(page))
      .toEqual(["gamma reporting", "Omar reporting feed", "alpha reporting"]);
    await choose(page, page, "Owner", `Tia Admin (${admin.email})`);
    await expect.poll(() => shownNames(page)).toEqual(["gamma reporting", "alpha reporting"]);
    await expectAccessible(page);

    const url = new URL(page.url());
    expect(url.searchParams.get("q")).toBe("REPORTING");
    expect(url.searchParams.get("sort")).toBe("expires");
    expect(url.searchParams.get("owner")).toBe(admin.id);

    await page.reload();
    await expect.poll(() => shownNames(page)).toEqual(["gamma reporting", "alpha reporting"]);
    expect(await page.getByRole("textbox", { name: "Search" }).inputValue()).toBe("REPORTING");
    expect(await page.getByRole("textbox", { name: "Sort" }).inputValue()).toBe("Expiring first");
  });

  it("opens a shared link with a status filter and page size, and pages with Load more", async () => {
    const { page } = desktop;
    await page.goto("/account/api-keys?status=expiring&size=10");
    await expect.poll(() => shownNames(page)).toEqual(["Beta Orders"]);
    expect(await page.getByRole("textbox", { name: "Status" }).inputValue()).toBe("Expiring within 7 days");
    expect(await page.getByRole("textbox", { name: "Per page" }).inputValue()).toBe("10");
    await page.getByText("1 key expires within 7 days").waitFor();

    await page.goto("/account/api-keys?sort=name&size=10");
    await expect.poll(() => shownNames(page)).toHaveLength(5);
    expect((await shownNames(page)).slice(0, 2)).toEqual(["alpha reporting", "Beta Orders"]);
  });

  it("ignores a sort it does not know and shows the newest keys first", async () => {
    const { page } = desktop;
    await page.goto("/account/api-keys?sort=colour");
    await expect.poll(async () => (await shownNames(page))[0]).toBe(`Unbroken${"x".repeat(92)}`);
    expect(await page.getByRole("textbox", { name: "Sort" }).inputValue()).toBe("Newest first");
  });

  it("never makes the keys list or a key's page wider than the viewport, at 1280 and 390 px", async () => {
    const { page } = desktop;
    await page.goto("/account/api-keys");
    await page.getByRole("link", { name: `Unbroken${"x".repeat(92)}` }).waitFor();
    await expectNoSidewaysScroll(page, "the keys list at 1280 px");
    const phone = await openConsole(browser, {
      viewport: phoneViewport,
      storageState: await desktop.context.storageState(),
    });
    try {
      await phone.page.goto("/account/api-keys");
      await phone.page.getByRole("link", { name: `Unbroken${"x".repeat(92)}` }).waitFor();
      await expectNoSidewaysScroll(phone.page, "the keys list at 390 px");
      await expectAccessible(phone.page);
      await phone.page.getByRole("link", { name: `Unbroken${"x".repeat(92)}` }).click();
      await phone.page.getByRole("heading", { name: `Unbroken${"x".repeat(92)}` }).waitFor();
      await phone.page.getByRole("heading", { name: "Usage" }).waitFor();
      await expectNoSidewaysScroll(phone.page, "a key's page at 390 px");
      await expectAccessible(phone.page);
      await phone.page.goto(`/account/api-keys/${keyId}`);
      await phone.page.getByRole("heading", { name: "alpha reporting" }).waitFor();
      await phone.page.getByRole("button", { name: "Edit", exact: true }).click();
      await phone.page
        .getByRole("dialog", { name: "Edit API Key" })
        .getByRole("textbox", { name: "Rate limit" })
        .waitFor();
      await expectNoSidewaysScroll(phone.page, "the Edit dialog at 390 px");
      await screenshot(phone.page, "edit-key-mobile");
    } finally {
      await phone.context.close();
    }
  });
});
