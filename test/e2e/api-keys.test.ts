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
  openDialog,
  readClipboard,
  signIn,
} from "./support.js";

const reportingKeyName = "Internal Reporting Dashboard";
const managerKeyName = "Milo's order sync";

/** Opens Generate, fills the form, submits, and returns the secret shown in the key window. */
async function generateKey(
  page: Page,
  name: string,
  sectionAccess: Record<string, string> | "all",
): Promise<string> {
  const form = await openDialog(
    page,
    page.getByRole("button", { name: "API Key", exact: true }),
    "Generate API Key",
  );
  await form.getByRole("textbox", { name: "Name" }).fill(name);
  if (sectionAccess === "all") {
    await form.getByRole("radio", { name: "All permissions" }).check();
  } else {
    await form.getByRole("radio", { name: "Specific sections" }).check();
    for (const [section, access] of Object.entries(sectionAccess)) {
      await form.getByRole("radiogroup", { name: section }).getByText(access, { exact: true }).click();
    }
  }
  await form.getByRole("button", { name: "Generate API Key" }).click();
  const window = page.getByRole("dialog", { name: "Your new API key" });
  const secret = (await window.getByTestId("new-key-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mpk_[0-9A-Za-z]{36}$/);
  await expectAccessible(page);
  return secret;
}

function keyRow(page: Page, name: string) {
  return page.getByRole("row").filter({ has: page.getByText(name, { exact: true }) });
}

describe("managing API keys through the console", () => {
  let browser: Browser;
  let admin: Person;
  let manager: Person;
  let adminConsole: ConsolePage;
  let managerConsole: ConsolePage;
  let reportingKey = "";
  let managerKey = "";

  beforeAll(async () => {
    const account = await createAccount("Northwind Market", "Nora Admin");
    admin = account.admin;
    manager = await createManager(account.accountId, "Milo Manager");
    browser = await launchBrowser();
    adminConsole = await openConsole(browser);
    managerConsole = await openConsole(browser);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("lets an Administrator generate a Reporting-read key and copy it from the key window", async () => {
    const { page } = adminConsole;
    await signIn(page, admin);
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();
    await page.getByText("No API keys yet").waitFor();

    reportingKey = await generateKey(page, reportingKeyName, { Reporting: "Read" });
    const window = page.getByRole("dialog", { name: "Your new API key" });
    await window.getByText("this is the only time the full key will ever be shown").waitFor();
    await window.getByRole("button", { name: "Copy key" }).click();
    await window.getByRole("button", { name: "Copied" }).waitFor();
    expect(await readClipboard(page)).toBe(reportingKey);

    // The secret lives in component state only: not in storage, not in the address.
    const stored = (await page.evaluate("JSON.stringify([localStorage, sessionStorage])")) as string;
    expect(stored).not.toContain(reportingKey);
    expect(page.url()).not.toContain(reportingKey);

    await window.getByRole("button", { name: "Done" }).click();
    await window.waitFor({ state: "hidden" });
    const row = keyRow(page, reportingKeyName);
    await row.getByText(`mpk_…${reportingKey.slice(-4)}`).waitFor();
    await row.getByText("Reporting (read)").waitFor();
    expect(await page.getByText(reportingKey).count()).toBe(0);
  });

  it("gives the new key sales reports but refuses it orders", async () => {
    expect(await callApi("/api/v1/reports/sales", reportingKey)).toBe(200);
    expect(await callApi("/api/v1/orders", reportingKey)).toBe(403);
  });

  it("lets the key read orders once it is edited to All permissions", async () => {
    const { page } = adminConsole;
    await page.getByRole("button", { name: `Actions for ${reportingKeyName}` }).click();
    const form = await openDialog(page, page.getByRole("menuitem", { name: "Edit" }), "Edit API Key");
    expect(await form.getByRole("textbox", { name: "Name" }).inputValue()).toBe(reportingKeyName);
    expect(await form.getByRole("radio", { name: "Specific sections" }).isChecked()).toBe(true);
    await form.getByRole("radio", { name: "All permissions" }).check();
    await form.getByRole("button", { name: "Update API Key" }).click();
    await form.waitFor({ state: "hidden" });
    await keyRow(page, reportingKeyName).getByText("All permissions").waitFor();

    expect(await callApi("/api/v1/orders", reportingKey)).toBe(200);
  });

  it("asks whether the key was copied before the key window closes any way other than Done", async () => {
    const { page } = adminConsole;
    await generateKey(page, "Throwaway key", "all");
    const window = page.getByRole("dialog", { name: "Your new API key" });
    const confirm = page.getByRole("dialog", { name: "Have you copied your key?" });

    await page.keyboard.press("Escape");
    await expectShown(page, confirm);
    await confirm.getByRole("button", { name: "Go back" }).click();
    await confirm.waitFor({ state: "hidden" });
    await window.getByTestId("new-key-secret").waitFor();

    await window.getByRole("button", { name: "Close" }).click();
    await confirm.getByRole("button", { name: "I've copied it, close" }).click();
    await window.waitFor({ state: "hidden" });
    await keyRow(page, "Throwaway key").waitFor();
  });

  it("hides API Keys from a Marketplace Manager without API access and explains the address", async () => {
    const { page } = managerConsole;
    await signIn(page, manager);
    await page.getByRole("heading", { name: "Profile" }).waitFor();
    const menu = page.getByRole("navigation", { name: "Main menu" });
    await menu.getByRole("link", { name: "Profile" }).waitFor();
    expect(await menu.getByRole("link", { name: "API Keys" }).count()).toBe(0);
    expect(await menu.getByRole("link", { name: "Users" }).count()).toBe(0);

    await page.goto("/account/api-keys");
    await expectShown(
      page,
      page.getByText("You don't have API access. Ask an Administrator to grant it.").first(),
    );
    expect(await page.getByRole("button", { name: "API Key", exact: true }).count()).toBe(0);
  });

  it("lets an Administrator grant the Manager API access on the Users page", async () => {
    const { page } = adminConsole;
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Users" }).click();
    await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
    const row = page.getByRole("row").filter({ hasText: manager.email });
    await row.getByText("No access").waitFor();
    await row.getByRole("button", { name: `Actions for ${manager.name}` }).click();
    await page.getByRole("menuitem", { name: "Grant API access" }).click();
    // The dialog asks for a permission ceiling; All permissions is the default.
    await page
      .getByRole("dialog", { name: "Grant API access" })
      .getByRole("button", { name: "Grant API access" })
      .click();
    await row.getByText("Granted").waitFor();
    await page
      .getByRole("row")
      .filter({ hasText: admin.email })
      .getByText("Always (Administrator)")
      .waitFor();
  });

  it("shows the Manager API Keys once granted, and their key's menu has Edit but no Revoke", async () => {
    const { page } = managerConsole;
    await page.goto("/");
    const menu = page.getByRole("navigation", { name: "Main menu" });
    await menu.getByRole("link", { name: "API Keys" }).click();
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();

    managerKey = await generateKey(page, managerKeyName, { Orders: "Read & write" });
    await page
      .getByRole("dialog", { name: "Your new API key" })
      .getByRole("button", { name: "Done" })
      .click();
    await keyRow(page, managerKeyName).getByText("Orders (read & write)").waitFor();
    expect(await callApi("/api/v1/orders", managerKey)).toBe(200);

    await page.getByRole("button", { name: `Actions for ${managerKeyName}` }).click();
    await page.getByRole("menuitem", { name: "Edit" }).waitFor();
    expect(await page.getByRole("menuitem", { name: "Revoke" }).count()).toBe(0);
    await page.keyboard.press("Escape");
    // A Manager sees only their own keys.
    expect(await keyRow(page, reportingKeyName).count()).toBe(0);
  });

  it("warns how many active keys will stop working before an Administrator removes API access", async () => {
    const { page } = adminConsole;
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Users" }).click();
    const row = page.getByRole("row").filter({ hasText: manager.email });
    await row.getByRole("button", { name: `Actions for ${manager.name}` }).click();
    const confirm = await openDialog(
      page,
      page.getByRole("menuitem", { name: "Remove API access" }),
      "Remove API access",
    );
    await expectShown(page, confirm.getByText("Their 1 active API key will stop working immediately."));
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "hidden" });
    await row.getByText("Granted").waitFor();
  });

  it("lets an Administrator revoke the Manager's key after a confirmation, after which the key gets 401", async () => {
    const { page } = adminConsole;
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "API Keys" }).click();
    const row = keyRow(page, managerKeyName);
    await row.getByText(manager.name).waitFor();
    await row.getByRole("button", { name: `Actions for ${managerKeyName}` }).click();
    const confirm = await openDialog(page, page.getByRole("menuitem", { name: "Revoke" }), "Revoke API Key");
    await confirm.getByText(managerKeyName).waitFor();
    await confirm.getByText(/permanent action that cannot be undone/).waitFor();
    await confirm.getByText(/any integration using it will stop working/).waitFor();
    await confirm.getByRole("button", { name: "Revoke API Key" }).click();
    await confirm.waitFor({ state: "hidden" });
    await row.waitFor({ state: "detached" });

    expect(await callApi("/api/v1/orders", managerKey)).toBe(401);
  });

  it("lists the revoked key under the Revoked filter with who revoked it", async () => {
    const { page } = adminConsole;
    await page.getByRole("textbox", { name: "Status", exact: true }).click();
    await page.getByRole("option", { name: "Revoked", exact: true }).click();
    const row = keyRow(page, managerKeyName);
    await row.getByText("Revoked", { exact: true }).waitFor();
    await row.getByText(`by ${admin.name}`).waitFor();
    expect(await row.getByRole("button", { name: `Actions for ${managerKeyName}` }).count()).toBe(0);
    expect(await keyRow(page, reportingKeyName).count()).toBe(0);
  });

  it("records the revocation in the audit log under its Administrator", async () => {
    const { page } = adminConsole;
    await page
      .getByRole("navigation", { name: "Main menu" })
      .getByRole("link", { name: "Audit log" })
      .click();
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    await page.getByRole("textbox", { name: "Action" }).click();
    await page.getByRole("option", { name: "API key revoked" }).click();
    const row = page.getByRole("row").filter({ hasText: "API key revoked" });
    await row.getByText(admin.name).first().waitFor();
    await row.getByText(managerKeyName).first().waitFor();
    await page
      .getByRole("row")
      .filter({ hasText: "API key generated" })
      .first()
      .waitFor({ state: "detached" });
  });

  it("takes API Keys out of the Manager's menu once an Administrator removes their API access", async () => {
    const { page } = adminConsole;
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Users" }).click();
    const row = page.getByRole("row").filter({ hasText: manager.email });
    await row.getByRole("button", { name: `Actions for ${manager.name}` }).click();
    await page.getByRole("menuitem", { name: "Remove API access" }).click();
    const confirm = page.getByRole("dialog", { name: "Remove API access" });
    await confirm.getByText("They have no active API keys.").waitFor();
    await confirm.getByRole("button", { name: "Remove API access" }).click();
    await row.getByText("No access").waitFor();

    const managerPage = managerConsole.page;
    await managerPage.reload();
    await managerPage
      .getByText("You don't have API access. Ask an Administrator to grant it.")
      .first()
      .waitFor();
    const menu = managerPage.getByRole("navigation", { name: "Main menu" });
    await menu.getByRole("link", { name: "Profile" }).waitFor();
    expect(await menu.getByRole("link", { name: "API Keys" }).count()).toBe(0);
  });
});
