import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { choose, urlQuery } from "./admin-support.js";
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
  signIn,
} from "./support.js";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** 100 characters without a space: the longest key name, and the widest audit target. */
const longKeyName = `Target_${"T".repeat(93)}`;

describe("the audit log's filters and date range", () => {
  let browser: Browser;
  let admin: Person;
  let desktop: ConsolePage;

  beforeAll(async () => {
    admin = (await createAccount("Audit Range Market", "Ari Admin")).admin;
    const elsewhere = await ConsoleApi.signIn(admin);
    await elsewhere.createKey(longKeyName, { orders: "read" });
    await elsewhere.createManager("Val Viewer");
    browser = await launchBrowser();
    desktop = await openConsole(browser);
    await signIn(desktop.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows only the chosen days, and keeps the range in the URL across a reload", async () => {
    const { page } = desktop;
    await page.goto("/audit");
    await page.getByRole("row").filter({ hasText: "API key generated" }).first().waitFor();
    await page.getByLabel("From", { exact: true }).fill(day(1));
    await page.getByText("No matching events").waitFor();
    await expect.poll(() => urlQuery(page)).toEqual({ from: day(1) });

    await page.getByLabel("From", { exact: true }).fill(day(0));
    await page.getByLabel("To", { exact: true }).fill(day(0));
    await page.getByRole("row").filter({ hasText: "API key generated" }).first().waitFor();
    await expect.poll(() => urlQuery(page)).toEqual({ from: day(0), to: day(0) });
    await page.reload();
    await page.getByRole("row").filter({ hasText: "User added" }).first().waitFor();
    expect(await page.getByLabel("From", { exact: true }).inputValue()).toBe(day(0));

    // Everything before today: nothing in this fresh account.
    await page.goto(`/audit?to=${day(-1)}`);
    await page.getByText("No matching events").waitFor();
  });

  it("keeps both days when From and To change before the page has re-rendered", async () => {
    const { page } = desktop;
    await page.goto("/audit");
    await page.getByRole("row").filter({ hasText: "API key generated" }).first().waitFor();
    // Both fields change in one task, as a fast typist or a slow laptop produces: the second change
    // must start from the first one's query, not from the query the page last rendered with.
    await page.evaluate(`(() => {
      const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set;
      for (const [label, value] of [["From", "${day(-1)}"], ["To", "${day(0)}"]]) {
        const input = [...document.querySelectorAll("label")].find((l) => l.textContent.trim() === label).control;
        setValue.call(input, value);
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    })()`);
    await expect.poll(() => urlQuery(page)).toEqual({ from: day(-1), to: day(0) });
    await expect.poll(() => page.getByLabel("From", { exact: true }).inputValue()).toBe(day(-1));
  });

  it("keeps the action and actor filters in the URL, and clears them all at once", async () => {
    const { page } = desktop;
    await page.goto("/audit");
    await choose(page, "Action", "User added");
    await page.getByRole("row").filter({ hasText: "Val Viewer" }).first().waitFor();
    await page
      .getByRole("row")
      .filter({ hasText: "API key generated" })
      .first()
      .waitFor({ state: "detached" });
    await expect.poll(() => urlQuery(page)).toEqual({ action: "user.created" });
    await page.reload();
    await page.getByRole("row").filter({ hasText: "Val Viewer" }).first().waitFor();
    expect(await page.getByRole("row").filter({ hasText: "API key generated" }).count()).toBe(0);

    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.getByRole("row").filter({ hasText: "API key generated" }).first().waitFor();
    await expect.poll(() => urlQuery(page)).toEqual({});
  });

  it("says a range that ends before it starts is backwards instead of listing nothing", async () => {
    const { page } = desktop;
    await page.goto(`/audit?from=${day(0)}&to=${day(-2)}`);
    await expectShown(page, page.getByText("Pick a day on or after From."));
  });

  it("cuts a long target short in the table, with the full name on hover", async () => {
    const { page } = desktop;
    await page.goto("/audit?action=api_key.created");
    const target = page.getByRole("row").filter({ hasText: "API key generated" }).locator("[title]").filter({
      hasText: "Target_",
    });
    await target.first().waitFor();
    expect(await target.first().getAttribute("title")).toContain(longKeyName);
    const height = (await target.first().boundingBox())?.height ?? 0;
    // Two lines of name and one of detail, whatever the name's length.
    expect(height).toBeLessThan(80);
    for (const column of ["IP", "Details"]) {
      const header = await page.getByRole("columnheader", { name: column }).boundingBox();
      expect(header && header.x + header.width).toBeLessThanOrEqual(1280);
    }
  });

  it("fits a phone with its filters, within 390 px", async () => {
    const { page, context } = await openConsole(browser, { viewport: phoneViewport });
    await signIn(page, admin);
    await page.goto(`/audit?from=${day(0)}`);
    await page.getByRole("listitem").filter({ hasText: "API key generated" }).first().waitFor();
    await expectNoSidewaysScroll(page, "/audit at 390 px");
    await expectAccessible(page);
    await context.close();
  });
});
