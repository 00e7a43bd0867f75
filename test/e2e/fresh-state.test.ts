import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, type Person, revokeKey } from "./cli.js";
import { ConsoleApi } from "./console-api.js";
import {
  type ConsolePage,
  expectShown,
  launchBrowser,
  openConsole,
  openDialog,
  returnToWindow,
  signIn,
} from "./support.js";

const noAccess = "You don't have API access. Ask an Administrator to grant it.";

function apiKeysLink(page: Page) {
  return page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "API Keys" });
}

/** Changes arrive from elsewhere (another browser, the CLI); the console catches up without a reload. */
describe("the console notices changes made elsewhere", () => {
  let browser: Browser;
  let admin: Person;
  let elsewhere: ConsoleApi;

  beforeAll(async () => {
    admin = (await createAccount("Fresh State Market", "Ada Admin")).admin;
    elsewhere = await ConsoleApi.signIn(admin);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** A Manager with API access and one key, signed in on their keys page. */
  async function managerOnKeysPage(label: string): Promise<{ manager: Person; keyId: string } & ConsolePage> {
    const manager = await elsewhere.createManager(`Mo ${label}`, { hasApiAccess: true });
    const key = await (await ConsoleApi.signIn(manager)).createKey(`${label} sync`, { orders: "read" });
    const { page, context } = await openConsole(browser);
    await signIn(page, manager);
    await apiKeysLink(page).click();
    await page
      .getByRole("row")
      .filter({ hasText: `${label} sync` })
      .waitFor();
    return { manager, keyId: key.id, page, context };
  }

  it("takes API Keys away as soon as a Manager whose access was removed returns to the window", async () => {
    const { manager, page, context } = await managerOnKeysPage("Removed");
    await elsewhere.setApiAccess(manager, false);
    await returnToWindow(page);
    await expectShown(page, page.getByText(noAccess).first());
    expect(await apiKeysLink(page).count()).toBe(0);
    expect(await page.getByRole("row").filter({ hasText: "Removed sync" }).count()).toBe(0);

    await elsewhere.setApiAccess(manager, true);
    await returnToWindow(page);
    await apiKeysLink(page).waitFor();
    await page.getByRole("row").filter({ hasText: "Removed sync" }).waitFor();
    await context.close();
  });

  it("stops showing a key as Active once it was revoked elsewhere and the person returns", async () => {
    const { keyId, page, context } = await managerOnKeysPage("Revoked");
    // From the CLI this time: changes made on the server's database directly are noticed too.
    await revokeKey(keyId, admin);
    await returnToWindow(page);
    await page.getByRole("row").filter({ hasText: "Revoked sync" }).waitFor({ state: "detached" });
    // Not the first-visit welcome: this person has keys, just none active.
    await page.getByText("No active API keys").waitFor();
    expect(await page.getByText("No API keys yet").count()).toBe(0);
    await context.close();
  });

  it("explains lost API access when an action is refused, without waiting for focus", async () => {
    const { manager, page, context } = await managerOnKeysPage("Refused");
    await page.getByRole("button", { name: "Actions for Refused sync" }).click();
    const form = await openDialog(page, page.getByRole("menuitem", { name: "Edit" }), "Edit API Key");
    await elsewhere.setApiAccess(manager, false);
    await form.getByRole("textbox", { name: "Name" }).fill("Refused sync, renamed");
    await form.getByRole("button", { name: "Update API Key" }).click();
    await expectShown(page, page.getByText(noAccess).first());
    await form.waitFor({ state: "hidden" });
    expect(await apiKeysLink(page).count()).toBe(0);
    await context.close();
  });
});
