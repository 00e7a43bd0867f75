import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, type Person } from "./cli.js";
import { baseUrl, collectConsoleErrors, lanHost, launchBrowser, openConsole, signIn } from "./support.js";

// The README suggests HOST=0.0.0.0 to reach Keyward from other machines; browsers treat a plain-http
// LAN name (unlike localhost) as insecure, which is where a CSP upgrade-insecure-requests blanks the page.
const lanUrl = `http://${lanHost}:${new URL(baseUrl).port}`;

describe("the console over plain http on a LAN host name", () => {
  let browser: Browser;
  let admin: Person;

  beforeAll(async () => {
    admin = (await createAccount("LAN Market", "Lena Admin")).admin;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("loads the sign-in page with its scripts and styles instead of a blank page", async () => {
    const { page, context } = await openConsole(browser, { baseURL: lanUrl });
    const errors = collectConsoleErrors(page);
    await page.goto("/sign-in");
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor({ timeout: 10_000 });
    expect(new URL(page.url()).protocol).toBe("http:");
    // Mantine's stylesheet arrived: the sign-in button is drawn in the theme's colour, not as a grey default.
    const background = await page
      .getByRole("button", { name: "Sign in" })
      .evaluate("(button) => getComputedStyle(button).backgroundColor");
    expect(background).not.toBe("rgb(239, 239, 239)");
    // Chromium notes that it ignores Cross-Origin-Opener-Policy on an insecure origin (the header still
    // protects https and localhost); anything else — a blocked or upgraded asset — is a failure.
    expect(
      errors.filter((error) => !error.includes("Cross-Origin-Opener-Policy header has been ignored")),
    ).toEqual([]);
    await context.close();
  });

  it("signs in and shows the keys page over plain http", async () => {
    const { page, context } = await openConsole(browser, { baseURL: lanUrl });
    await signIn(page, admin);
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();
    await context.close();
  });
});
