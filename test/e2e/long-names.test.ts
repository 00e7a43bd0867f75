import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, type Person } from "./cli.js";
import { ConsoleApi } from "./console-api.js";
import {
  accountMenuButton,
  type ConsolePage,
  desktopViewport,
  expectAccessible,
  expectInViewport,
  expectNoSidewaysScroll,
  launchBrowser,
  openConsole,
  openDialog,
  phoneViewport,
  signIn,
} from "./support.js";

/** 100 characters without a space: the longest name the server accepts, and the hardest to lay out. */
function longName(prefix: string): string {
  return `${prefix}_${"W".repeat(99 - prefix.length)}`;
}

const accountName = longName("Account");
const adminName = longName("Admin");
const managerName = longName("Manager");
const keyName = longName("Key");
const managerKeyName = longName("ManagerKey");

/** Fails if the text is cut off inside its element instead of wrapping. */
async function expectNotClipped(text: Locator, what: string): Promise<void> {
  const clipped = await text.evaluate((element) => element.scrollWidth > element.clientWidth + 1);
  expect(clipped, `${what} is cut off`).toBe(false);
}

const pages = [
  { path: "/account/api-keys", heading: "Manage API Keys" },
  { path: "/users", heading: "Users" },
  { path: "/audit", heading: "Audit log" },
  { path: "/account", heading: "Profile" },
  { path: "/no-such-page", heading: "Page not found" },
];

async function visit(page: Page, path: string, heading: string): Promise<void> {
  await page.goto(path);
  await page.getByRole("heading", { name: heading, exact: true }).waitFor();
  if (path === "/account/api-keys") await page.getByText(keyName).first().waitFor();
  if (path === "/audit") await page.getByText(managerName).first().waitFor();
}

let browser: Browser;
let admin: Person;

beforeAll(async () => {
  admin = (await createAccount(accountName, adminName)).admin;
  const adminApi = await ConsoleApi.signIn(admin);
  const manager = await adminApi.createManager(managerName, { hasApiAccess: true });
  await adminApi.createKey(keyName);
  await (await ConsoleApi.signIn(manager)).createKey(managerKeyName, { reporting: "read" });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

for (const viewport of [desktopViewport, phoneViewport]) {
  const isPhone = viewport === phoneViewport;

  describe(`100-character names at ${viewport.width} px`, () => {
    let console: ConsolePage;

    beforeAll(async () => {
      console = await openConsole(browser, { viewport });
      await signIn(console.page, admin);
    });

    afterAll(async () => {
      await console?.context.close();
    });

    it("keeps every page within the viewport, names wrapped rather than cut off", async () => {
      const { page } = console;
      for (const { path, heading } of pages) {
        await visit(page, path, heading);
        await expectNoSidewaysScroll(page, path);
        await expectAccessible(page);
      }
      await visit(page, "/account/api-keys", "Manage API Keys");
      await expectNotClipped(page.getByText(keyName, { exact: true }).first(), "the key's name");
      await visit(page, "/users", "Users");
      await expectNotClipped(page.getByText(managerName, { exact: true }).first(), "the user's name");
    });

    it("keeps each key's actions on screen and usable", async () => {
      const { page } = console;
      await visit(page, "/account/api-keys", "Manage API Keys");
      for (const name of [keyName, managerKeyName]) {
        const actions = page.getByRole("button", { name: `Actions for ${name}` });
        await actions.scrollIntoViewIfNeeded();
        await expectInViewport(page, actions, `the actions of ${name.slice(0, 12)}…`);
      }
      await page.getByRole("button", { name: `Actions for ${keyName}` }).click();
      const form = await openDialog(page, page.getByRole("menuitem", { name: "Edit" }), "Edit API Key");
      await expectInViewport(page, form, "the Edit dialog");
      await expectNoSidewaysScroll(page, "the keys page with Edit open");
      await form.getByRole("button", { name: "Cancel" }).click();
      await form.waitFor({ state: "hidden" });
    });

    it("generates a key with a 100-character name, every dialog on screen", async () => {
      const { page } = console;
      await visit(page, "/account/api-keys", "Manage API Keys");
      const form = await openDialog(
        page,
        page.getByRole("button", { name: "API Key", exact: true }),
        "Generate API Key",
      );
      const name = longName(`New${viewport.width}`);
      await form.getByRole("textbox", { name: "Name" }).fill(name);
      await form.getByRole("radio", { name: "All permissions" }).check();
      await expectInViewport(page, form, "the Generate dialog");
      await expectNoSidewaysScroll(page, "the keys page with Generate open");
      const submit = form.getByRole("button", { name: "Generate API Key" });
      await submit.scrollIntoViewIfNeeded();
      await expectInViewport(page, submit, "the Generate API Key button");
      await submit.click();

      const window = page.getByRole("dialog", { name: "Your new API key" });
      await window.getByTestId("new-key-secret").waitFor();
      await expectAccessible(page);
      await expectInViewport(page, window, "the key window");
      await expectNoSidewaysScroll(page, "the key window");
      await window.getByRole("button", { name: "Done" }).click();
      await window.waitFor({ state: "hidden" });
      await page.getByText(name, { exact: true }).first().waitFor();
      await expectNoSidewaysScroll(page, "the keys page with a new long name");
    });

    it("keeps the account menu and Sign out on screen on the Users and Audit log pages", async () => {
      const { page } = console;
      for (const { path, heading } of pages.slice(1, 3)) {
        await visit(page, path, heading);
        const menu = accountMenuButton(page, admin);
        await expectInViewport(page, menu, `the account menu on ${path}`);
        await menu.click();
        const signOut = page.getByRole("menuitem", { name: "Sign out" });
        await signOut.waitFor();
        await expectInViewport(page, signOut, `Sign out on ${path}`);
        await page.keyboard.press("Escape");
        await signOut.waitFor({ state: "hidden" });
      }
    });

    it("keeps every column of the audit log within reach", async () => {
      const { page } = console;
      await visit(page, "/audit", "Audit log");
      if (isPhone) {
        // On a phone each event is a card: who, what, which target, from where, and the details.
        const card = page
          .getByRole("listitem")
          .filter({ hasText: managerName })
          .filter({ hasText: "User added" });
        await card.waitFor();
        await expectInViewport(page, card, "an audit card");
        await expectNotClipped(card.getByText(managerName, { exact: true }).first(), "the audit target");
      } else {
        for (const column of ["Target", "IP", "Details"]) {
          await expectInViewport(
            page,
            page.getByRole("columnheader", { name: column }),
            `the ${column} column`,
          );
        }
      }
    });

    it(`shows users ${isPhone ? "as cards" : "in a table"} with their actions reachable`, async () => {
      const { page } = console;
      await visit(page, "/users", "Users");
      const user = page.getByRole(isPhone ? "listitem" : "row").filter({ hasText: managerName });
      await user.getByText("Granted").waitFor();
      const actions = user.getByRole("button", { name: `Actions for ${managerName}` });
      await actions.scrollIntoViewIfNeeded();
      await expectInViewport(page, actions, "the user's actions");
      await actions.click();
      await page.getByRole("menuitem", { name: "Remove API access" }).waitFor();
      await page.keyboard.press("Escape");
    });
  });
}

it("keeps the sign-in page within 390 px", async () => {
  const { page, context } = await openConsole(browser, { viewport: phoneViewport });
  await page.goto("/sign-in");
  await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
  await expectNoSidewaysScroll(page, "/sign-in");
  await context.close();
});
