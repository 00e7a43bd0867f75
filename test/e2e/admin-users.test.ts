import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { choose, consoleSession, urlQuery } from "./admin-support.js";
import { createAccount, type Person } from "./cli.js";
import { ConsoleApi } from "./console-api.js";
import {
  accountMenuButton,
  type ConsolePage,
  chooseRowAction,
  expectAccessible,
  expectInViewport,
  expectNoSidewaysScroll,
  expectShown,
  launchBrowser,
  openConsole,
  openDialog,
  phoneViewport,
  screenshot,
  signIn,
} from "./support.js";

function userRow(page: Page, person: Person) {
  return page.getByRole("row").filter({ hasText: person.email });
}

describe("the Users page", () => {
  let browser: Browser;
  let admin: Person;
  let elsewhere: ConsoleApi;
  let desktop: ConsolePage;

  beforeAll(async () => {
    admin = (await createAccount("Northwind Users", "Nora Admin")).admin;
    elsewhere = await ConsoleApi.signIn(admin);
    browser = await launchBrowser();
    desktop = await openConsole(browser);
    await signIn(desktop.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("grants a Manager API access within a permission ceiling, which the server then enforces", async () => {
    const manager = await elsewhere.createManager("Cecil Ceiling");
    const { page } = desktop;
    await page.goto("/users");
    await userRow(page, manager).getByText("No access").waitFor();
    await page.getByRole("button", { name: `Actions for ${manager.name}` }).click();
    const dialog = await openDialog(
      page,
      page.getByRole("menuitem", { name: "Grant API access" }),
      "Grant API access",
    );
    await dialog.getByRole("radio", { name: "Specific sections" }).check();
    await dialog.getByRole("radiogroup", { name: "Orders" }).getByText("Read", { exact: true }).click();
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Grant API access" }).click();
    await dialog.waitFor({ state: "hidden" });
    await userRow(page, manager).getByText("Keys may hold: Orders (read)").waitFor();

    const asManager = await consoleSession(manager);
    const within = await asManager.request("POST", "/keys", {
      name: "Within the ceiling",
      permissions: { all: false, sections: { orders: "read" } },
    });
    expect(within.status).toBe(201);
    const beyond = await asManager.request("POST", "/keys", {
      name: "Beyond the ceiling",
      permissions: { all: false, sections: { reporting: "read" } },
    });
    expect(beyond.status).toBe(403);
    expect((beyond.body.error as { code: string }).code).toBe("exceeds_permission_ceiling");
    await page.reload();
    await userRow(page, manager).getByText("1 active key").waitFor();
  });

  it("refuses a ceiling with no section chosen, and grants nothing", async () => {
    const manager = await elsewhere.createManager("Nell Nothing");
    const { page } = desktop;
    await page.goto("/users");
    await page.getByRole("button", { name: `Actions for ${manager.name}` }).click();
    const dialog = await openDialog(
      page,
      page.getByRole("menuitem", { name: "Grant API access" }),
      "Grant API access",
    );
    await dialog.getByRole("radio", { name: "Specific sections" }).check();
    await dialog.getByRole("button", { name: "Grant API access" }).click();
    await expectShown(page, dialog.getByText("Choose at least one section, or All permissions."));
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    await userRow(page, manager).getByText("No access").waitFor();
    const asManager = await consoleSession(manager);
    expect((await asManager.request("GET", "/keys")).status).toBe(403);
  });

  it("lowers a Manager's ceiling from the row menu; their key shows as limited", async () => {
    const manager = await elsewhere.createManager("Lou Lowered", { hasApiAccess: true });
    await (await ConsoleApi.signIn(manager)).createKey("Lou's reporting", { reporting: "read" });
    const { page } = desktop;
    await page.goto("/users");
    await userRow(page, manager).getByText("Keys may hold: All permissions").waitFor();
    await page.getByRole("button", { name: `Actions for ${manager.name}` }).click();
    const dialog = await openDialog(
      page,
      page.getByRole("menuitem", { name: "Change permission ceiling" }),
      "Change permission ceiling",
    );
    await dialog.getByRole("radio", { name: "Specific sections" }).check();
    await dialog.getByRole("radiogroup", { name: "Orders" }).getByText("Read", { exact: true }).click();
    await dialog.getByRole("button", { name: "Save ceiling" }).click();
    await dialog.waitFor({ state: "hidden" });
    await userRow(page, manager).getByText("Keys may hold: Orders (read)").waitFor();
    const asManager = await consoleSession(manager);
    const keys = (await asManager.request("GET", "/keys")).body.items as { isLimitedByCeiling: boolean }[];
    expect(keys.map((key) => key.isLimitedByCeiling)).toEqual([true]);
  });

  it("names the suspended keys that granting access back brings back to life, before granting", async () => {
    const manager = await elsewhere.createManager("Rhea Returning", { hasApiAccess: true });
    await (await ConsoleApi.signIn(manager)).createKey("Rhea's nightly export", { orders: "read" });
    await elsewhere.setApiAccess(manager, false);
    const { page } = desktop;
    await page.goto("/users");
    await userRow(page, manager).getByText("1 suspended").waitFor();
    await page.getByRole("button", { name: `Actions for ${manager.name}` }).click();
    const dialog = await openDialog(
      page,
      page.getByRole("menuitem", { name: "Grant API access" }),
      "Grant API access",
    );
    await dialog.getByText("Granting access brings back 1 suspended key at once:").waitFor();
    await dialog.getByText("Rhea's nightly export").waitFor();
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Grant API access" }).click();
    await dialog.waitFor({ state: "hidden" });
    await userRow(page, manager).getByText("1 active key").waitFor();
  });

  it("keeps search, filters, sort and page size in the URL across a reload", async () => {
    for (const name of ["Zed Zebra", "Amy Aardvark", "Max Marten"]) await elsewhere.createManager(name);
    const { page } = desktop;
    await page.goto("/users");
    await page.getByRole("textbox", { name: "Search" }).fill("zebra");
    await page.getByRole("row").filter({ hasText: "Zed Zebra" }).waitFor();
    await page.getByRole("row").filter({ hasText: "Amy Aardvark" }).waitFor({ state: "detached" });
    await expect.poll(() => urlQuery(page)).toMatchObject({ q: "zebra" });

    await page.getByRole("textbox", { name: "Search" }).fill("");
    await choose(page, "Role", "Marketplace Managers");
    await choose(page, "API access", "No API access");
    await choose(page, "Sort by", "Newest first");
    await page.getByRole("textbox", { name: "Users per page" }).click();
    await page.getByRole("option", { name: "10 per page" }).click();
    await expect
      .poll(() => urlQuery(page))
      .toEqual({
        role: "marketplace_manager",
        access: "none",
        sort: "newest",
        size: "10",
      });
    const names = async () => (await page.getByRole("row").allInnerTexts()).map((row) => row.split("\n")[0]);
    const namesBefore = await names();

    await page.reload();
    await page.getByRole("row").filter({ hasText: "Max Marten" }).waitFor();
    expect(await page.getByRole("textbox", { name: "Role" }).inputValue()).toBe("Marketplace Managers");
    expect(await names()).toEqual(namesBefore);
    // Newest first: the last Manager created comes before the first of the three.
    const texts = namesBefore.join("\n");
    expect(texts.indexOf("Max Marten")).toBeLessThan(texts.indexOf("Zed Zebra"));
    expect(await page.getByRole("row").filter({ hasText: admin.email }).count()).toBe(0);
  });

  it("pages through the users a page size at a time", async () => {
    for (const name of ["Bo", "Cy", "Di", "Ed", "Flo"]) await elsewhere.createManager(`${name} Paged`);
    const { page } = desktop;
    await page.goto("/users?size=10&sort=name");
    await page.getByRole("row").filter({ hasText: "Amy Aardvark" }).waitFor();
    const pageOne = await page.getByRole("row").count();
    expect(pageOne).toBe(11);
    await page.getByRole("button", { name: "2", exact: true }).click();
    await page.getByRole("row").filter({ hasText: "Amy Aardvark" }).waitFor({ state: "detached" });
    await expect.poll(() => urlQuery(page)).toMatchObject({ page: "2", size: "10" });
    await page.reload();
    await page.getByRole("button", { name: "2", exact: true }).waitFor();
    expect(await page.getByRole("button", { name: "2", exact: true }).getAttribute("data-active")).toBe(
      "true",
    );
    expect(await page.getByRole("row").count()).toBeLessThan(11);
  });

  it("fits a phone: cards with ceilings and key counts, the account menu and the dialogs on screen", async () => {
    const { page, context } = await openConsole(browser, { viewport: phoneViewport });
    await signIn(page, admin);
    await page.goto("/users?access=granted");
    const card = page.getByRole("listitem").filter({ hasText: "Cecil Ceiling" });
    await card.getByText("Keys may hold: Orders (read)").waitFor();
    await card.getByText("1 active key").waitFor();
    await expectNoSidewaysScroll(page, "/users at 390 px");
    await expectAccessible(page);
    await expectInViewport(page, accountMenuButton(page, admin), "the account menu");
    await screenshot(page, "users-mobile");
    await page.goto("/users?sort=name");

    await chooseRowAction(page, "Amy Aardvark", "Grant API access");
    const dialog = page.getByRole("dialog", { name: "Grant API access" });
    await dialog.getByRole("radio", { name: "Specific sections" }).check();
    await dialog.getByRole("radiogroup", { name: "Orders" }).waitFor();
    await expectInViewport(page, dialog, "the Grant API access dialog");
    await expectNoSidewaysScroll(page, "the Grant API access dialog at 390 px");
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await context.close();
  });

  it("shows a Manager who opens /users the plain explanation, and the server refuses them too", async () => {
    const manager = await elsewhere.createManager("Pat Peek", { hasApiAccess: true });
    const { page, context } = await openConsole(browser);
    await signIn(page, manager);
    await page.goto("/users");
    await expectShown(page, page.getByText("Only Administrators can manage the account's users."));
    expect((await (await consoleSession(manager)).request("GET", "/users")).status).toBe(403);
    await context.close();
  });
});
