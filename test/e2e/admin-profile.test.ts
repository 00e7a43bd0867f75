import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleSession } from "./admin-support.js";
import { createAccount, type Person } from "./cli.js";
import { ConsoleApi } from "./console-api.js";
import {
  expectAccessible,
  expectShown,
  launchBrowser,
  openConsole,
  phoneViewport,
  signIn,
} from "./support.js";

describe("Profile: your password and your sessions", () => {
  let browser: Browser;
  let admin: Person;
  let elsewhere: ConsoleApi;

  beforeAll(async () => {
    admin = (await createAccount("Profile Parlour", "Pru Admin")).admin;
    elsewhere = await ConsoleApi.signIn(admin);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("lists your sessions and signs out another browser, which then has to sign in again", async () => {
    const person = await elsewhere.createManager("Seb Sessions");
    const laptop = await openConsole(browser);
    await signIn(laptop.page, person);
    const phone = await openConsole(browser, { viewport: phoneViewport });
    await signIn(phone.page, person);

    await laptop.page.goto("/account");
    const sessions = laptop.page.getByRole("list", { name: "Your sessions" });
    await sessions.getByText("This browser").waitFor();
    expect(await sessions.getByRole("listitem").count()).toBe(2);
    await expectAccessible(laptop.page);
    await sessions.getByRole("button", { name: /^Sign out the session from/ }).click();
    await laptop.page.getByText("Session signed out").waitFor();
    await sessions.getByRole("listitem").nth(1).waitFor({ state: "detached" });

    await phone.page.reload();
    await phone.page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    // The laptop itself is still signed in.
    await laptop.page.reload();
    await sessions.getByText("This browser").waitFor();
    await laptop.context.close();
    await phone.context.close();
  });

  it("refuses a wrong current password on its field, and the password stays the same", async () => {
    const person = await elsewhere.createManager("Wes Wrong");
    const { page, context } = await openConsole(browser);
    await signIn(page, person);
    await page.goto("/account");
    await page.getByLabel("Current password", { exact: true }).fill("not-my-password-at-all");
    await page.getByLabel("New password", { exact: true }).fill("a brand new passphrase 42");
    await page.getByLabel("Repeat the new password", { exact: true }).fill("a brand new passphrase 42");
    await page.getByRole("button", { name: "Change password" }).click();
    await expectShown(page, page.getByText("This is not your current password."));
    expect((await consoleSession(person)).status).toBe(200);
    expect((await consoleSession({ ...person, password: "a brand new passphrase 42" })).status).toBe(401);

    await page.getByLabel("Current password", { exact: true }).fill(person.password);
    await page.getByLabel("Repeat the new password", { exact: true }).fill("a different passphrase 42");
    await page.getByRole("button", { name: "Change password" }).click();
    await expectShown(page, page.getByText("The two new passwords differ. Type the same one twice."));
    expect((await consoleSession(person)).status).toBe(200);
    await context.close();
  });

  it("changes your password, signs out your other sessions and keeps this one", async () => {
    const person = await elsewhere.createManager("Cam Changer");
    const other = await consoleSession(person);
    expect((await other.request("GET", "/session")).status).toBe(200);
    const { page, context } = await openConsole(browser);
    await signIn(page, person);
    await page.goto("/account");
    const newPassword = "correct horse battery staple 7";
    await page.getByLabel("Current password", { exact: true }).fill(person.password);
    await page.getByLabel("New password", { exact: true }).fill(newPassword);
    await page.getByLabel("Repeat the new password", { exact: true }).fill(newPassword);
    await page.getByRole("button", { name: "Change password" }).click();
    await expectShown(page, page.getByText("Password changed"));
    await page.getByText("1 other session signed out.").waitFor();

    expect((await other.request("GET", "/session")).status).toBe(401);
    expect((await consoleSession(person)).status).toBe(401);
    expect((await consoleSession({ ...person, password: newPassword })).status).toBe(200);
    await page.reload();
    await page.getByRole("heading", { name: "Profile" }).waitFor();
    await context.close();
  });
});
