import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, type Person } from "./cli.js";
import { ConsoleApi } from "./console-api.js";
import {
  accountMenuButton,
  baseUrl,
  collectConsoleErrors,
  expectAccessible,
  expectInViewport,
  lanHost,
  launchBrowser,
  openConsole,
  phoneViewport,
  signIn,
} from "./support.js";

const lanUrl = `http://${lanHost}:${new URL(baseUrl).port}`;

interface SignInFigures {
  firstContentfulPaintMs: number | null;
  transferredBytes: number;
  decodedBytes: number;
}

/** Chromium's own Paint, Navigation and Resource Timing entries, as Lighthouse reads them. */
function signInFigures(page: Page): Promise<SignInFigures> {
  return page.evaluate(`(() => {
    const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    return {
      firstContentfulPaintMs: paint ? Math.round(paint.startTime) : null,
      transferredBytes: entries.reduce((total, entry) => total + entry.transferSize, 0),
      decodedBytes: entries.reduce((total, entry) => total + entry.decodedBodySize, 0),
    };
  })()`) as Promise<SignInFigures>;
}

describe("the console's frame, sign-in page and API reference", () => {
  let browser: Browser;
  let admin: Person;

  beforeAll(async () => {
    admin = (await createAccount("Shell Shop", "Sol Admin")).admin;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("measures the sign-in page like Lighthouse: first contentful paint and bytes transferred, cold", async () => {
    const { page, context } = await openConsole(browser);
    const errors = collectConsoleErrors(page);
    await page.goto("/sign-in", { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    const figures = await signInFigures(page);
    console.info(
      `[admin-shell] sign-in page, cold cache: first contentful paint ${figures.firstContentfulPaintMs} ms, ` +
        `${(figures.transferredBytes / 1024).toFixed(1)} KB transferred ` +
        `(${(figures.decodedBytes / 1024).toFixed(1)} KB uncompressed)`,
    );
    expect(figures.firstContentfulPaintMs).not.toBeNull();
    expect(figures.transferredBytes).toBeLessThanOrEqual(250 * 1024);
    // No 401 from a session probe, nor anything else, in the browser's console.
    expect(errors).toEqual([]);
    await context.close();
  });

  it("brands /docs as Keyward's and shows each operation's required permission", async () => {
    const { page, context } = await openConsole(browser);
    // Swagger UI's bundle is 1.5 MB: wait for its page to draw, not for every byte (the machine is shared).
    await page.goto("/docs", { waitUntil: "domcontentloaded", timeout: 60_000 });
    await page.locator(".swagger-ui .info .title").first().waitFor({ timeout: 60_000 });
    expect(await page.title()).toBe("Keyward API reference");
    const logo = page.locator(".topbar-wrapper img");
    await logo.waitFor();
    expect(await logo.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from((await logo.getAttribute("src"))?.split(",")[1] ?? "", "base64").toString()).toContain(
      "Keyward API reference",
    );

    const orders = page.locator("#operations-Orders-listOrders, [id$='-listOrders']").first();
    await orders.locator(".opblock-summary").click();
    await orders.getByText("Requires the API key permission", { exact: false }).waitFor();
    await orders.getByText("x-keyward-permission").waitFor();
    await orders
      .getByText('"orders:read"')
      .or(orders.getByText("orders:read", { exact: true }))
      .first()
      .waitFor();
    await context.close();
  });

  it("loads /docs over plain http on a LAN host name, not a blank page", async () => {
    const { page, context } = await openConsole(browser, { baseURL: lanUrl });
    const response = await page.goto("/docs", { waitUntil: "domcontentloaded", timeout: 60_000 });
    expect(response?.headers()["content-security-policy"]).not.toContain("upgrade-insecure-requests");
    await page.locator(".swagger-ui .info .title").first().waitFor({ timeout: 60_000 });
    await context.close();
  });

  it("keeps the account menu reachable on a phone and above a success message", async () => {
    const { page, context } = await openConsole(browser, { viewport: phoneViewport });
    await signIn(page, admin);
    await page.goto("/account");
    const menu = accountMenuButton(page, admin);
    await expectInViewport(page, menu, "the account menu at 390 px");
    await page.getByRole("button", { name: "Sign out all other sessions" }).waitFor({ state: "detached" });
    // A success message (from signing other sessions out) and the account menu at the same time.
    await ConsoleApi.signIn(admin);
    await page.reload();
    await page.getByRole("button", { name: "Sign out all other sessions" }).click();
    await page.getByText("Other sessions signed out").waitFor();
    const box = await menu.boundingBox();
    const centre = box ? [box.x + box.width / 2, box.y + box.height / 2] : [0, 0];
    const onTop = await page.evaluate(
      `document.elementFromPoint(${centre.join(", ")})?.closest("button")?.getAttribute("aria-haspopup")`,
    );
    expect(onTop, "a notification covers the account menu").toBe("menu");
    await menu.click();
    await page.getByRole("menuitem", { name: "Sign out" }).waitFor();
    await expectAccessible(page);
    await page.keyboard.press("Escape");
    await context.close();
  }, 180_000);
});
