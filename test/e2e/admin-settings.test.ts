import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  phoneViewport,
  screenshot,
  signIn,
} from "./support.js";

describe("Settings > Key policy", () => {
  let browser: Browser;
  let admin: Person;
  let elsewhere: ConsoleApi;
  let desktop: ConsolePage;

  beforeAll(async () => {
    admin = (await createAccount("Policy Provisions", "Pia Admin")).admin;
    elsewhere = await ConsoleApi.signIn(admin);
    // Made while there is no maximum: it never expires.
    await elsewhere.createKey("Forever reporting", { reporting: "read" });
    browser = await launchBrowser();
    desktop = await openConsole(browser);
    await signIn(desktop.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("refuses a maximum with no default lifetime, saying which field to change, and saves nothing", async () => {
    const { page } = desktop;
    await page
      .getByRole("navigation", { name: "Main menu" })
      .getByRole("link", { name: "Key policy" })
      .click();
    await page.getByRole("heading", { name: "Key policy" }).waitFor();
    await page.getByRole("textbox", { name: "Maximum key lifetime" }).fill("30d");
    await page.getByRole("button", { name: "Save key policy" }).click();
    const field = page.getByRole("textbox", { name: "Default lifetime" });
    await expectShown(page, page.getByText(/Must be at most the maximum key lifetime \(30d\)/));
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    const policy = await (await consoleSession(admin)).request("GET", "/account/policy");
    expect(policy.body.maxKeyLifetime).toBeNull();
  });

  it("refuses a duration it can't read, naming the field", async () => {
    const { page } = desktop;
    await page.getByRole("textbox", { name: "Maximum key lifetime" }).fill("a month");
    await page.getByRole("textbox", { name: "Default lifetime" }).fill("7d");
    await page.getByRole("button", { name: "Save key policy" }).click();
    await expectShown(page, page.getByText(/"a month" is not a duration/));
    expect(
      await page.getByRole("textbox", { name: "Maximum key lifetime" }).getAttribute("aria-invalid"),
    ).toBe("true");
  });

  it("saves a maximum, default lifetime and rate limit, and lists the keys that now outlive the maximum", async () => {
    const { page } = desktop;
    await page.getByRole("textbox", { name: "Maximum key lifetime" }).fill("30d");
    await page.getByRole("textbox", { name: "Default lifetime" }).fill("7d");
    await page.getByRole("textbox", { name: "Default rate limit" }).fill("600/min");
    await page.getByRole("button", { name: "Save key policy" }).click();
    await page.getByText("Key policy saved").waitFor();
    const over = page.getByRole("region", { name: "Keys over the maximum lifetime" });
    await over.getByRole("row").filter({ hasText: "Forever reporting" }).getByText("Never").waitFor();
    await page.getByText("1 key outlives the maximum of 30d").waitFor();
    await expectAccessible(page);
    await screenshot(page, "key-policy");

    const policy = await (await consoleSession(admin)).request("GET", "/account/policy");
    expect(policy.body).toEqual({
      maxKeyLifetime: "30d",
      defaultKeyLifetime: "7d",
      defaultRateLimit: "600/min",
    });
    await page.reload();
    expect(await page.getByRole("textbox", { name: "Default rate limit" }).inputValue()).toBe("600/min");
  });

  it("shows the same page in dark mode, and within a phone's width", async () => {
    const { page, context } = await openConsole(browser, { colorScheme: "dark" });
    await signIn(page, admin);
    await page.goto("/settings/key-policy");
    await page.getByText("Forever reporting").waitFor();
    await expectAccessible(page);
    await screenshot(page, "dark-mode");
    await page.setViewportSize(phoneViewport);
    await expectNoSidewaysScroll(page, "/settings/key-policy at 390 px");
    await expectAccessible(page);
    await context.close();
  });

  it("keeps Managers out: no Settings in their menu, the plain explanation, and a 403 from the server", async () => {
    const manager = await elsewhere.createManager("Mia Manager", { hasApiAccess: true });
    const { page, context } = await openConsole(browser);
    await signIn(page, manager);
    expect(
      await page
        .getByRole("navigation", { name: "Main menu" })
        .getByRole("link", { name: "Key policy" })
        .count(),
    ).toBe(0);
    await page.goto("/settings/key-policy");
    await expectShown(page, page.getByText("Only Administrators can change the account's key policy."));
    const refused = await (await consoleSession(manager)).request("PATCH", "/account/policy", {
      maxKeyLifetime: "none",
    });
    expect(refused.status).toBe(403);
    await context.close();
  });
});
