import type { Browser, Dialog, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, type Person } from "./cli.js";
import { ConsoleApi } from "./console-api.js";
import {
  type ConsolePage,
  expectAccessible,
  expectShown,
  launchBrowser,
  openConsole,
  openDialog,
  signIn,
} from "./support.js";

/** Opens Generate, fills it, submits, and returns the key window (still open). */
async function generateKey(page: Page, name: string): Promise<Locator> {
  const form = await openDialog(
    page,
    page.getByRole("button", { name: "API Key", exact: true }),
    "Generate API Key",
  );
  await form.getByRole("textbox", { name: "Name" }).fill(name);
  await form.getByRole("radio", { name: "All permissions" }).check();
  await form.getByRole("button", { name: "Generate API Key" }).click();
  const window = page.getByRole("dialog", { name: "Your new API key" });
  await window.getByTestId("new-key-secret").waitFor();
  return window;
}

describe("the console does not lose a new key or a half-filled form without asking", () => {
  let browser: Browser;
  let admin: Person;
  let session: ConsolePage;

  beforeAll(async () => {
    admin = (await createAccount("Careful Goods", "Cora Admin")).admin;
    await (await ConsoleApi.signIn(admin)).createKey("Existing export");
    browser = await launchBrowser();
    session = await openConsole(browser);
    await signIn(session.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("warns before the tab closes or reloads while the new key is shown", async () => {
    const { page } = session;
    const window = await generateKey(page, "Warned on unload");
    const dialogs: Dialog[] = [];
    page.once("dialog", (dialog) => {
      dialogs.push(dialog);
      void dialog.dismiss();
    });
    await page.close({ runBeforeUnload: true });
    await expect.poll(() => dialogs.map((dialog) => dialog.type())).toEqual(["beforeunload"]);
    // Dismissing the browser's question keeps the page, and the key, where they were.
    expect(page.isClosed()).toBe(false);
    await window.getByTestId("new-key-secret").waitFor();
    await window.getByRole("button", { name: "Done" }).click();
    await window.waitFor({ state: "hidden" });

    // Once the key window is gone, leaving needs no question.
    const onDialog = (dialog: Dialog) => {
      dialogs.push(dialog);
      void dialog.accept();
    };
    page.on("dialog", onDialog);
    await page.reload();
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();
    page.off("dialog", onDialog);
    expect(dialogs).toHaveLength(1);
  });

  it("asks before Back leaves the page while the new key is shown", async () => {
    const { page } = session;
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Users" }).click();
    await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "API Keys" }).click();
    const window = await generateKey(page, "Kept on Back");
    await page.goBack();
    const confirm = page.getByRole("dialog", { name: "Have you copied your key?" });
    await expectShown(page, confirm);
    await confirm.getByRole("button", { name: "Go back" }).click();
    await confirm.waitFor({ state: "hidden" });
    await window.getByTestId("new-key-secret").waitFor();
    expect(new URL(page.url()).pathname).toBe("/account/api-keys");

    await page.goBack();
    await confirm.getByRole("button", { name: "I've copied it, close" }).click();
    await page.getByRole("heading", { name: "Users", exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/users");
  });

  it("closes the key window on Esc without asking once the key was copied", async () => {
    const { page } = session;
    await page.goto("/account/api-keys");
    const window = await generateKey(page, "Copied then closed");
    await window.getByRole("button", { name: "Copy key" }).click();
    await window.getByRole("button", { name: "Copied" }).waitFor();
    await page.keyboard.press("Escape");
    await window.waitFor({ state: "hidden" });
    expect(await page.getByRole("dialog", { name: "Have you copied your key?" }).count()).toBe(0);
  });

  it("asks before Esc discards a half-filled Generate form, and keeps it on Keep editing", async () => {
    const { page } = session;
    await page.goto("/account/api-keys");
    const form = await openDialog(
      page,
      page.getByRole("button", { name: "API Key", exact: true }),
      "Generate API Key",
    );
    await form.getByRole("textbox", { name: "Name" }).fill("Half-filled");
    await page.keyboard.press("Escape");
    const discard = page.getByRole("dialog", { name: "Discard this key?" });
    await expectShown(page, discard);
    await discard.getByRole("button", { name: "Keep editing" }).click();
    await discard.waitFor({ state: "hidden" });
    expect(await form.getByRole("textbox", { name: "Name" }).inputValue()).toBe("Half-filled");

    await form.getByRole("button", { name: "Close" }).click();
    await discard.getByRole("button", { name: "Discard" }).click();
    await form.waitFor({ state: "hidden" });
    expect(await page.getByRole("row").filter({ hasText: "Half-filled" }).count()).toBe(0);
  });

  it("closes an untouched form on Esc straight away", async () => {
    const { page } = session;
    await page.goto("/account/api-keys");
    const form = await openDialog(
      page,
      page.getByRole("button", { name: "API Key", exact: true }),
      "Generate API Key",
    );
    await page.keyboard.press("Escape");
    await form.waitFor({ state: "hidden" });
    expect(await page.getByRole("dialog", { name: "Discard this key?" }).count()).toBe(0);

    await page.getByRole("button", { name: "Actions for Existing export" }).click();
    const edit = await openDialog(page, page.getByRole("menuitem", { name: "Edit" }), "Edit API Key");
    await page.keyboard.press("Escape");
    await edit.waitFor({ state: "hidden" });
  });

  it("asks before Esc discards changes made in the Edit form", async () => {
    const { page } = session;
    await page.goto("/account/api-keys");
    await page.getByRole("button", { name: "Actions for Existing export" }).click();
    const edit = await openDialog(page, page.getByRole("menuitem", { name: "Edit" }), "Edit API Key");
    await edit.getByRole("radio", { name: "Specific sections" }).check();
    await page.keyboard.press("Escape");
    const discard = page.getByRole("dialog", { name: "Discard your changes?" });
    await discard.getByRole("button", { name: "Discard" }).click();
    await edit.waitFor({ state: "hidden" });
    await page.getByRole("row").filter({ hasText: "Existing export" }).getByText("All permissions").waitFor();
    await expectAccessible(page);
  });
});
