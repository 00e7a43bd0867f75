import type { Browser, Page } from "playwright-core";
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
  phoneViewport,
  signIn,
} from "./support.js";

function colourScheme(page: Page): Promise<string | null> {
  return page.locator("html").getAttribute("data-mantine-color-scheme");
}

function pageBackground(page: Page): Promise<string> {
  return page.evaluate("getComputedStyle(document.body).backgroundColor") as Promise<string>;
}

function menuLink(page: Page, name: string) {
  return page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name });
}

describe("dark mode", () => {
  let browser: Browser;
  let admin: Person;
  let manager: Person;
  let dark: ConsolePage;

  beforeAll(async () => {
    admin = (await createAccount("Night Market", "Nia Admin")).admin;
    const adminApi = await ConsoleApi.signIn(admin);
    manager = await adminApi.createManager("Nox Manager");
    await adminApi.createKey("Nightly export", { reporting: "read" });
    browser = await launchBrowser();
    dark = await openConsole(browser, { colorScheme: "dark" });
    await signIn(dark.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("follows the system's dark preference, sign-in page included, with AA contrast", async () => {
    const { page, context } = await openConsole(browser, { colorScheme: "dark" });
    await page.goto("/sign-in");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    expect(await colourScheme(page)).toBe("dark");
    expect(await pageBackground(page)).not.toBe("rgb(255, 255, 255)");
    await expectAccessible(page);
    await page.getByRole("textbox", { name: "Email" }).fill(admin.email);
    await page.getByRole("textbox", { name: "Password" }).fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expectShown(page, page.getByRole("alert").getByText("The email or password is incorrect"));
    await context.close();
  });

  it("meets AA contrast in dark mode on the keys page and in each of its dialogs", async () => {
    const { page } = dark;
    await page.goto("/account/api-keys");
    await page.getByRole("row").filter({ hasText: "Nightly export" }).waitFor();
    await expectAccessible(page);

    const form = await openDialog(
      page,
      page.getByRole("button", { name: "API Key", exact: true }),
      "Generate API Key",
    );
    await form.getByRole("button", { name: "Generate API Key" }).click();
    await expectShown(page, form.getByText("Give the key a name"));
    await expectShown(page, form.getByText("Choose at least one section"));
    await form.getByRole("textbox", { name: "Name" }).fill("Dark key");
    await form.getByRole("radio", { name: "All permissions" }).check();
    await form.getByRole("button", { name: "Generate API Key" }).click();
    const window = page.getByRole("dialog", { name: "Your new API key" });
    await expectShown(page, window.getByTestId("new-key-secret"));
    await page.keyboard.press("Escape");
    const confirm = page.getByRole("dialog", { name: "Have you copied your key?" });
    await expectShown(page, confirm);
    await confirm.getByRole("button", { name: "I've copied it, close" }).click();
    await window.waitFor({ state: "hidden" });
    await expectShown(page, page.getByText("Dark key", { exact: true }));

    await page.getByRole("button", { name: "Actions for Dark key" }).click();
    const revoke = await openDialog(page, page.getByRole("menuitem", { name: "Revoke" }), "Revoke API Key");
    await revoke.getByRole("button", { name: "Revoke API Key" }).click();
    await revoke.waitFor({ state: "hidden" });
    await page.getByRole("textbox", { name: "Status", exact: true }).click();
    await page.getByRole("option", { name: "All keys", exact: true }).click();
    await expectShown(
      page,
      page.getByRole("row").filter({ hasText: "Dark key" }).getByText("Revoked", { exact: true }),
    );
  });

  it("meets AA contrast in dark mode on Users, Audit log and Profile", async () => {
    const { page } = dark;
    await page.goto("/users");
    await expectShown(page, page.getByRole("row").filter({ hasText: manager.name }).getByText("No access"));
    const add = await openDialog(page, page.getByRole("button", { name: "Add user" }), "Add user");
    await add.getByRole("button", { name: "Add user" }).click();
    await expectShown(page, add.getByText("Enter the person's name."));
    await add.getByRole("button", { name: "Cancel" }).click();
    await add.waitFor({ state: "hidden" });

    await menuLink(page, "Audit log").click();
    await expectShown(page, page.getByRole("row").filter({ hasText: "Nightly export" }).first());
    await menuLink(page, "Profile").click();
    await expectShown(page, page.getByText("Always (Administrator)"));
  });

  it("meets AA contrast in dark mode on a phone, menu open", async () => {
    const phone = await openConsole(browser, { viewport: phoneViewport, colorScheme: "dark" });
    const { page } = phone;
    await signIn(page, manager);
    await expectShown(page, page.getByText("You don't have API access.").first());
    await page.getByRole("button", { name: "Open menu" }).click();
    await expectShown(page, menuLink(page, "Profile"));
    await phone.context.close();
  });

  it("switches with the toggle, remembers the choice, and follows the system again when switched back", async () => {
    const light = await openConsole(browser, { colorScheme: "light" });
    const { page } = light;
    await signIn(page, admin);
    expect(await colourScheme(page)).toBe("light");
    const toggle = page.getByRole("button", { name: "Dark mode" });
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");

    await toggle.click();
    expect(await colourScheme(page)).toBe("dark");
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await expectAccessible(page);
    await page.reload();
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();
    expect(await colourScheme(page)).toBe("dark");

    // Back to light, which is what this system prefers: the console follows the system again.
    await page.getByRole("button", { name: "Dark mode" }).click();
    expect(await colourScheme(page)).toBe("light");
    await page.emulateMedia({ colorScheme: "dark" });
    await expect.poll(() => colourScheme(page)).toBe("dark");
    await light.context.close();
  });
});
