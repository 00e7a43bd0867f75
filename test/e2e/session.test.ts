import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsolePage,
  createAccount,
  launchBrowser,
  openConsole,
  type Person,
  signIn,
  signOut,
} from "./support.js";

describe("signing in and out of the console", () => {
  let browser: Browser;
  let admin: Person;
  let visitor: ConsolePage;

  beforeAll(async () => {
    admin = (await createAccount("Fabrikam Outlet", "Fay Admin")).admin;
    browser = await launchBrowser();
    visitor = await openConsole(browser);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("sends a visitor who is not signed in to the sign-in page", async () => {
    const { page } = visitor;
    await page.goto("/account/api-keys");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  });

  it("says plainly that the email or password is wrong, and signs nobody in", async () => {
    const { page } = visitor;
    await page.getByRole("textbox", { name: "Email" }).fill(admin.email);
    await page.getByRole("textbox", { name: "Password" }).fill("wrong-password-123");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("alert").getByText("The email or password is incorrect.").waitFor();
    expect(new URL(page.url()).pathname).toBe("/sign-in");
  });

  it("returns to the page that was asked for after signing in", async () => {
    const { page } = visitor;
    await page.getByRole("textbox", { name: "Password" }).fill(admin.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/account/api-keys");
  });

  it("signs out, after which the console's pages need signing in again", async () => {
    const { page } = visitor;
    await signOut(page, admin);
    await page.goto("/users");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    await signIn(page, admin);
  });

  it("goes to sign-in when the session ends on the server", async () => {
    const { page, context } = visitor;
    await page.goto("/account/api-keys");
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();
    await context.clearCookies();
    await page.getByRole("button", { name: "API Key", exact: true }).click();
    const form = page.getByRole("dialog", { name: "Generate API Key" });
    await form.getByRole("textbox", { name: "Name" }).fill("Never created");
    await form.getByRole("radio", { name: "All permissions" }).check();
    await form.getByRole("button", { name: "Generate API Key" }).click();
    await page.getByText("Your session has ended").waitFor();
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
  });
});
