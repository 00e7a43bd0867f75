import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createManager, type Person } from "./cli.js";
import {
  type ConsolePage,
  callApi,
  expectAccessible,
  expectShown,
  launchBrowser,
  openConsole,
  phoneViewport,
  screenshot,
  signIn,
} from "./support.js";

/** Every screen is checked with axe for serious problems, then photographed for docs/screenshots. */
async function checkScreen(page: Page, name: string): Promise<void> {
  await expectAccessible(page);
  await screenshot(page, name);
}

async function openKeyMenu(page: Page, keyName: string, item: "Edit" | "Revoke"): Promise<void> {
  await page.getByRole("button", { name: `Actions for ${keyName}` }).click();
  await page.getByRole("menuitem", { name: item }).click();
}

describe("every console screen at 1280 × 800 and 390 px", () => {
  let browser: Browser;
  let admin: Person;
  let manager: Person;
  let desktop: ConsolePage;

  beforeAll(async () => {
    const account = await createAccount("Contoso Goods", "Carla Admin");
    admin = account.admin;
    manager = await createManager(account.accountId, "Sam Manager");
    browser = await launchBrowser();
    desktop = await openConsole(browser);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows an accessible sign-in page, also when the password is wrong", async () => {
    const { page } = desktop;
    await page.goto("/sign-in");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    await checkScreen(page, "sign-in");

    await page.getByRole("textbox", { name: "Email" }).fill(admin.email);
    await page.getByRole("textbox", { name: "Password" }).fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expectShown(page, page.getByRole("alert").getByText("The email or password is incorrect"));
    await checkScreen(page, "sign-in-wrong-password");
  });

  it("explains what API keys are for while there are none", async () => {
    const { page } = desktop;
    await signIn(page, admin);
    await page.getByText("No API keys yet").waitFor();
    await page.getByText("build custom integrations, pull reporting data").waitFor();
    await checkScreen(page, "api-keys-empty");
  });

  it("shows an accessible Generate API Key window", async () => {
    const { page } = desktop;
    await page.getByRole("button", { name: "API Key", exact: true }).click();
    const form = page.getByRole("dialog", { name: "Generate API Key" });
    await form.getByRole("button", { name: "Generate API Key" }).click();
    await expectShown(page, form.getByText("Give the key a name"));
    await form.getByRole("textbox", { name: "Name" }).fill("Internal Reporting Dashboard");
    expect(await form.getByRole("textbox", { name: "Name" }).getAttribute("placeholder")).toBe(
      "Internal Reporting Dashboard",
    );
    await form.getByRole("radio", { name: "Specific sections" }).check();
    await form.getByRole("radiogroup", { name: "Reporting" }).getByText("Read", { exact: true }).click();
    await form.getByRole("radiogroup", { name: "Payouts" }).getByText("Read", { exact: true }).click();
    // Reporting and Payouts are read-only sections; Orders can be written.
    expect(await form.getByRole("radiogroup", { name: "Reporting" }).getByText("Read & write").count()).toBe(
      0,
    );
    await form.getByRole("radiogroup", { name: "Orders" }).getByText("Read & write").waitFor();
    await checkScreen(page, "generate-key");
  });

  it("shows the new key once, in an accessible window that asks before closing", async () => {
    const { page } = desktop;
    await page.getByRole("button", { name: "Generate API Key" }).click();
    const window = page.getByRole("dialog", { name: "Your new API key" });
    await window.getByText("Heads Up!").waitFor();
    const secret = (await window.getByTestId("new-key-secret").textContent()) ?? "";
    await checkScreen(page, "key-window");

    await page.keyboard.press("Escape");
    const confirm = page.getByRole("dialog", { name: "Have you copied your key?" });
    await confirm.getByRole("button", { name: "Go back" }).waitFor();
    await checkScreen(page, "key-window-close-confirmation");
    await confirm.getByRole("button", { name: "I've copied it, close" }).click();
    await window.waitFor({ state: "hidden" });
    expect(await callApi("/api/v1/reports/sales", secret)).toBe(200);
  });

  it("lists keys accessibly, with their hints, permissions, owner and last use", async () => {
    const { page } = desktop;
    for (const [name, all] of [
      ["Warehouse automation", true],
      ["Old catalogue importer", false],
    ] as const) {
      await page.getByRole("button", { name: "API Key", exact: true }).click();
      const form = page.getByRole("dialog", { name: "Generate API Key" });
      await form.getByRole("textbox", { name: "Name" }).fill(name);
      if (all) await form.getByRole("radio", { name: "All permissions" }).check();
      else {
        await form.getByRole("radio", { name: "Specific sections" }).check();
        await form.getByRole("radiogroup", { name: "Catalog" }).getByText("Read & write").click();
      }
      await form.getByRole("button", { name: "Generate API Key" }).click();
      await page
        .getByRole("dialog", { name: "Your new API key" })
        .getByRole("button", { name: "Done" })
        .click();
      await page.getByRole("row").filter({ hasText: name }).waitFor();
    }
    await page
      .getByRole("row")
      .filter({ hasText: "Internal Reporting Dashboard" })
      .getByText("Carla Admin (you)")
      .waitFor();
    await checkScreen(page, "api-keys");
  });

  it("shows an accessible Edit window, prefilled", async () => {
    const { page } = desktop;
    await openKeyMenu(page, "Internal Reporting Dashboard", "Edit");
    const form = page.getByRole("dialog", { name: "Edit API Key" });
    expect(await form.getByRole("textbox", { name: "Name" }).inputValue()).toBe(
      "Internal Reporting Dashboard",
    );
    await form.getByRole("button", { name: "Update API Key" }).waitFor();
    await checkScreen(page, "edit-key");
    await form.getByRole("button", { name: "Cancel" }).click();
    await form.waitFor({ state: "hidden" });
  });

  it("shows an accessible Revoke confirmation that names the key", async () => {
    const { page } = desktop;
    await openKeyMenu(page, "Old catalogue importer", "Revoke");
    const confirm = page.getByRole("dialog", { name: "Revoke API Key" });
    await confirm.getByText("Old catalogue importer").waitFor();
    await checkScreen(page, "revoke-key");
    await confirm.getByRole("button", { name: "Revoke API Key" }).click();
    await confirm.waitFor({ state: "hidden" });

    await page.getByRole("textbox", { name: "Status", exact: true }).click();
    await page.getByRole("option", { name: "All keys", exact: true }).click();
    await page
      .getByRole("row")
      .filter({ hasText: "Old catalogue importer" })
      .getByText("by Carla Admin")
      .waitFor();
    await checkScreen(page, "api-keys-all");
    await page.getByRole("textbox", { name: "Status", exact: true }).click();
    await page.getByRole("option", { name: "Current (not revoked)", exact: true }).click();
  });

  it("shows accessible Users screens: the list, adding a user, and removing API access", async () => {
    const { page } = desktop;
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Users" }).click();
    await page.getByRole("row").filter({ hasText: manager.email }).getByText("No access").waitFor();

    await page.getByRole("button", { name: "Add user" }).click();
    const form = page.getByRole("dialog", { name: "Add user" });
    await form.getByRole("textbox", { name: "Name" }).fill("Priya Patel");
    await form.getByRole("textbox", { name: "Email" }).fill(`priya-${Date.now()}@e2e.test`);
    await form.getByRole("textbox", { name: "Initial password" }).fill("a-long-initial-password");
    await form.getByRole("checkbox", { name: "Grant API access" }).check();
    await checkScreen(page, "add-user");
    await form.getByRole("button", { name: "Add user" }).click();
    await form.waitFor({ state: "hidden" });
    const priya = page.getByRole("row").filter({ hasText: "Priya Patel" });
    await priya.getByText("Granted").waitFor();
    await checkScreen(page, "users");

    await priya.getByRole("button", { name: "Actions for Priya Patel" }).click();
    await page.getByRole("menuitem", { name: "Remove API access" }).click();
    const confirm = page.getByRole("dialog", { name: "Remove API access" });
    await confirm.getByText("They have no active API keys.").waitFor();
    await checkScreen(page, "remove-api-access");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "hidden" });

    await priya.getByRole("button", { name: "Actions for Priya Patel" }).click();
    await page.getByRole("menuitem", { name: "Deactivate user" }).click();
    const deactivate = page.getByRole("dialog", { name: "Deactivate user" });
    await deactivate.getByText("can no longer sign in").waitFor();
    await checkScreen(page, "deactivate-user");
    await deactivate.getByRole("button", { name: "Deactivate user" }).click();
    await deactivate.waitFor({ state: "hidden" });
    // The list shows active users by default; a deactivated one is under the Deactivated filter.
    await priya.waitFor({ state: "hidden" });
    await page.goto("/users?status=deactivated");
    await priya.getByText("Deactivated").waitFor();
    expect(await priya.getByRole("button", { name: "Actions for Priya Patel" }).count()).toBe(0);
  });

  it("shows an accessible audit log in human words", async () => {
    const { page } = desktop;
    await page
      .getByRole("navigation", { name: "Main menu" })
      .getByRole("link", { name: "Audit log" })
      .click();
    await page
      .getByRole("row")
      .filter({ hasText: "API key revoked" })
      .getByText("Old catalogue importer")
      .first()
      .waitFor();
    await page.getByRole("row").filter({ hasText: "User added" }).getByText("Priya Patel").first().waitFor();
    await checkScreen(page, "audit-log");

    // A failed sign-in has no signed-in actor: it is found by action, with its reason.
    await page.getByRole("textbox", { name: "Action" }).click();
    await page.getByRole("option", { name: "Sign-in failed" }).click();
    await page.getByRole("row").filter({ hasText: "Sign-in failed" }).getByText("Wrong password").waitFor();
    await page
      .getByRole("row")
      .filter({ hasText: "API key generated" })
      .first()
      .waitFor({ state: "detached" });

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByRole("textbox", { name: "Actor" }).click();
    await page.getByRole("option", { name: "Carla Admin" }).click();
    await page.getByRole("row").filter({ hasText: "API key generated" }).first().waitFor();
    await page.getByRole("row").filter({ hasText: "Sign-in failed" }).first().waitFor({ state: "detached" });
  });

  it("works at 390 px wide, with the menu behind a burger", async () => {
    const phone = await openConsole(browser, { viewport: phoneViewport });
    const { page } = phone;
    await signIn(page, admin);
    // On a phone each key is a card rather than a table row.
    const card = page.getByRole("listitem").filter({ hasText: "Warehouse automation" });
    await card.getByRole("button", { name: "Actions for Warehouse automation" }).waitFor();
    await page.getByRole("link", { name: "Audit log" }).waitFor({ state: "hidden" });
    await checkScreen(page, "api-keys-mobile");

    await page.getByRole("button", { name: "Open menu" }).click();
    await page
      .getByRole("navigation", { name: "Main menu" })
      .getByRole("link", { name: "Audit log" })
      .waitFor();
    await checkScreen(page, "menu-mobile");
    await page.getByRole("link", { name: "Users" }).click();
    await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
    await page.getByRole("link", { name: "Audit log" }).waitFor({ state: "hidden" });
    await phone.context.close();
  });

  it("explains, accessibly, that a Manager without API access has no API Keys page", async () => {
    const managerConsole = await openConsole(browser);
    const { page } = managerConsole;
    await signIn(page, manager);
    await page.goto("/account/api-keys");
    await page.getByText("You don't have API access. Ask an Administrator to grant it.").first().waitFor();
    await checkScreen(page, "api-keys-no-access");
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Profile" }).click();
    await page.getByText("Not granted").waitFor();
    await checkScreen(page, "profile");
    await managerConsole.context.close();
  });
});
