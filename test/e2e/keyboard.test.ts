import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, type Person } from "./cli.js";
import {
  type ConsolePage,
  callApi,
  expectAccessible,
  expectShown,
  launchBrowser,
  openConsole,
} from "./support.js";

/** What a person hears for the focused element: its aria-label, its label, or its text. */
function focusedName(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    const label = el?.getAttribute("aria-label") || el?.labels?.[0]?.textContent || el?.textContent || "";
    return label.trim();
  })()`) as Promise<string>;
}

/** Presses Tab until the focused control is called `name` (fails after 60 presses). */
async function tabTo(page: Page, name: string): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    if ((await focusedName(page)) === name) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached "${name}"; focus is on "${await focusedName(page)}".`);
}

describe("using the console with the keyboard alone", () => {
  let browser: Browser;
  let admin: Person;
  let visitor: ConsolePage;
  let secret = "";

  beforeAll(async () => {
    admin = (await createAccount("Tailspin Traders", "Tara Admin")).admin;
    browser = await launchBrowser();
    visitor = await openConsole(browser);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("signs in by typing and pressing Enter", async () => {
    const { page } = visitor;
    await page.goto("/sign-in");
    await page.getByRole("textbox", { name: "Email" }).waitFor();
    await page.keyboard.type(admin.email);
    await page.keyboard.press("Tab");
    await page.keyboard.type(admin.password);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();
  });

  it("generates a key, copies it and closes its window without a mouse", async () => {
    const { page } = visitor;
    await tabTo(page, "API Key");
    await page.keyboard.press("Enter");
    const form = page.getByRole("dialog", { name: "Generate API Key" });
    await expectShown(page, form.getByRole("textbox", { name: "Name" }));
    await page.keyboard.type("Keyboard-made key");
    // Tab enters the radio group on its checked radio; arrows choose within the group.
    await tabTo(page, "Specific sections");
    await page.keyboard.press("ArrowUp");
    expect(await form.getByRole("radio", { name: "All permissions" }).isChecked()).toBe(true);
    await tabTo(page, "Generate API Key");
    await page.keyboard.press("Enter");

    const window = page.getByRole("dialog", { name: "Your new API key" });
    secret = ((await window.getByTestId("new-key-secret").textContent()) ?? "").trim();
    await expectAccessible(page);
    await tabTo(page, "Copy key");
    await page.keyboard.press("Enter");
    await window.getByRole("button", { name: "Copied" }).waitFor();
    await tabTo(page, "Done");
    await page.keyboard.press("Enter");
    await window.waitFor({ state: "hidden" });
    await page.getByRole("row").filter({ hasText: "Keyboard-made key" }).waitFor();
    expect(await callApi("/api/v1/orders", secret)).toBe(200);
  });

  it("revokes the key from its row menu without a mouse", async () => {
    const { page } = visitor;
    await tabTo(page, "Actions for Keyboard-made key");
    await page.keyboard.press("Enter");
    await page.getByRole("menuitem", { name: "Edit" }).waitFor();
    // Down through the menu (Edit, Roll, …) to Revoke, as a keyboard user would.
    for (let step = 0; step < 6 && (await focusedName(page)) !== "Revoke"; step++) {
      await page.keyboard.press("ArrowDown");
    }
    expect(await focusedName(page)).toBe("Revoke");
    await page.keyboard.press("Enter");
    const confirm = page.getByRole("dialog", { name: "Revoke API Key" });
    await expectShown(page, confirm.getByText("Keyboard-made key"));
    await tabTo(page, "Revoke API Key");
    await page.keyboard.press("Enter");
    await confirm.waitFor({ state: "hidden" });
    expect(await callApi("/api/v1/orders", secret)).toBe(401);
  });
});
