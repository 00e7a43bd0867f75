import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, type Person } from "./cli.js";
import { ConsoleApi } from "./console-api.js";
import {
  accountMenuButton,
  type ConsolePage,
  expectShown,
  launchBrowser,
  openConsole,
  openDialog,
  signIn,
} from "./support.js";

function openGenerate(page: Page): Promise<Locator> {
  return openDialog(page, page.getByRole("button", { name: "API Key", exact: true }), "Generate API Key");
}

/** The colour the browser draws an input's placeholder in. */
function placeholderColour(input: Locator): Promise<string> {
  return input.evaluate("(input) => getComputedStyle(input, '::placeholder').color") as Promise<string>;
}

describe("the Generate and Edit forms", () => {
  let browser: Browser;
  let admin: Person;
  let session: ConsolePage;

  beforeAll(async () => {
    admin = (await createAccount("Form Goods", "Fern Admin")).admin;
    await (await ConsoleApi.signIn(admin)).createKey("Toast subject", { reporting: "read" });
    browser = await launchBrowser();
    session = await openConsole(browser);
    await signIn(session.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("shows a missing name in an error colour people can read, and the placeholder stays a placeholder", async () => {
    const { page } = session;
    const form = await openGenerate(page);
    const name = form.getByRole("textbox", { name: "Name" });
    const calmPlaceholder = await placeholderColour(name);
    await form.getByRole("button", { name: "Generate API Key" }).click();
    // expectShown runs axe in the error state: the message's contrast must pass WCAG AA.
    await expectShown(page, form.getByText("Give the key a name"));
    expect(await name.getAttribute("aria-invalid")).toBe("true");
    expect(await placeholderColour(name)).toBe(calmPlaceholder);
    await form.getByRole("button", { name: "Cancel" }).click();
    await form.waitFor({ state: "hidden" });
  });

  it("accepts a name of exactly 100 characters and refuses 101 with 'at most 100 characters'", async () => {
    const { page } = session;
    const form = await openGenerate(page);
    await form.getByRole("radio", { name: "All permissions" }).check();
    const name = form.getByRole("textbox", { name: "Name" });
    await name.fill("n".repeat(101));
    await form.getByRole("button", { name: "Generate API Key" }).click();
    await expectShown(page, form.getByText("Use at most 100 characters (this one has 101)."));
    expect(await page.getByRole("dialog", { name: "Your new API key" }).count()).toBe(0);

    await name.fill("n".repeat(100));
    await form.getByRole("button", { name: "Generate API Key" }).click();
    const window = page.getByRole("dialog", { name: "Your new API key" });
    await window.getByText("n".repeat(100)).waitFor();
    await window.getByRole("button", { name: "Done" }).click();
    await window.waitFor({ state: "hidden" });
  });

  it("chooses a permission with Enter instead of submitting the form", async () => {
    const { page } = session;
    const form = await openGenerate(page);
    await form.getByRole("textbox", { name: "Name" }).fill("Chosen by Enter");
    await form.getByRole("radio", { name: "Specific sections" }).focus();
    await page.keyboard.press("Enter");
    const orders = form.getByRole("radiogroup", { name: "Orders" });
    await orders.waitFor();
    expect(await form.getByRole("radio", { name: "Specific sections" }).isChecked()).toBe(true);

    await orders.getByRole("radio", { name: "No access" }).focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Enter");
    expect(await orders.getByRole("radio", { name: "Read", exact: true }).isChecked()).toBe(true);
    // Still the form, no key: only the Generate button (or Enter in the Name field) generates.
    await form.getByRole("button", { name: "Generate API Key" }).waitFor();
    expect(await page.getByRole("dialog", { name: "Your new API key" }).count()).toBe(0);

    await form.getByRole("textbox", { name: "Name" }).press("Enter");
    const window = page.getByRole("dialog", { name: "Your new API key" });
    await window.getByText("Orders (read)").waitFor();
    await window.getByRole("button", { name: "Done" }).click();
    await window.waitFor({ state: "hidden" });
  });

  it("shows success messages where they do not cover the account menu", async () => {
    const { page } = session;
    await page.getByRole("button", { name: "Actions for Toast subject" }).click();
    const form = await openDialog(page, page.getByRole("menuitem", { name: "Edit" }), "Edit API Key");
    await form.getByRole("radio", { name: "All permissions" }).check();
    await form.getByRole("button", { name: "Update API Key" }).click();
    await page.getByText("API key updated").waitFor();
    const menu = accountMenuButton(page, admin);
    const box = await menu.boundingBox();
    const centre = box ? [box.x + box.width / 2, box.y + box.height / 2] : [0, 0];
    const onTop = await page.evaluate(
      `document.elementFromPoint(${centre.join(", ")})?.closest("button")?.getAttribute("aria-haspopup")`,
    );
    expect(onTop, "a notification covers the account menu").toBe("menu");
    await menu.click();
    await page.getByRole("menuitem", { name: "Sign out" }).waitFor();
    await page.keyboard.press("Escape");
  });
});
