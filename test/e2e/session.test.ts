import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, type Person } from "./cli.js";
import {
  type ConsolePage,
  collectConsoleErrors,
  expectShown,
  launchBrowser,
  openConsole,
  signIn,
  signOut,
} from "./support.js";

describe("signing in and out of the console", () => {
  let browser: Browser;
  let admin: Person;
  const pages: ConsolePage[] = [];

  // Each test opens its own browser context: none depends on another having run first.
  async function freshPage() {
    const opened = await openConsole(browser);
    pages.push(opened);
    return opened;
  }

  beforeAll(async () => {
    admin = (await createAccount("Fabrikam Outlet", "Fay Admin")).admin;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const { context } of pages) await context.close();
    await browser?.close();
  });

  it("opens the sign-in page without an error in the browser's console", async () => {
    const { page, context } = await openConsole(browser);
    const errors = collectConsoleErrors(page);
    await page.goto("/sign-in");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    await page.goto("/account/api-keys");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    await signIn(page, admin);
    await signOut(page, admin);
    await page.reload();
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("sends a visitor who is not signed in to the sign-in page", async () => {
    const { page } = await freshPage();
    await page.goto("/account/api-keys");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  });

  it("says plainly that the email or password is wrong, and signs nobody in", async () => {
    const { page } = await freshPage();
    await page.goto("/sign-in");
    await page.getByRole("textbox", { name: "Email" }).fill(admin.email);
    await page.getByRole("textbox", { name: "Password" }).fill("wrong-password-123");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expectShown(page, page.getByRole("alert").getByText("The email or password is incorrect."));
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    await page.goto("/account/api-keys");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
  });

  it("returns to the page that was asked for after signing in", async () => {
    const { page } = await freshPage();
    await page.goto("/account/api-keys");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    await page.getByRole("textbox", { name: "Email" }).fill(admin.email);
    await page.getByRole("textbox", { name: "Password" }).fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/account/api-keys");
  });

  it("signs out, after which the console's pages need signing in again", async () => {
    const { page } = await freshPage();
    await signIn(page, admin);
    await signOut(page, admin);
    await page.goto("/users");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  });

  it("goes to sign-in when the session ends on the server", async () => {
    const { page, context } = await freshPage();
    await signIn(page, admin);
    await page.goto("/account/api-keys");
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();
    await context.clearCookies();
    // The console notices on its next call to the server: here, the refetch when the window regains focus.
    await page.evaluate("window.dispatchEvent(new Event('focus'))");
    await expectShown(page, page.getByText("Your session has ended"));
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
  });
});
