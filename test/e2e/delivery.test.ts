import type { Browser, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, type Person } from "./cli.js";
import { ConsoleApi } from "./console-api.js";
import { launchBrowser, openConsole, signIn } from "./support.js";

const signInBudgetBytes = 250 * 1024;

interface LoadFigures {
  transferredBytes: number;
  encodedBytes: number;
  decodedBytes: number;
  scripts: number;
  firstContentfulPaintMs: number | null;
}

/** What the page cost so far, from Chromium's own Navigation, Resource and Paint Timing entries. */
function loadFigures(page: Page): Promise<LoadFigures> {
  return page.evaluate(`(() => {
    const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")];
    const sum = (field) => entries.reduce((total, entry) => total + entry[field], 0);
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    return {
      transferredBytes: sum("transferSize"),
      encodedBytes: sum("encodedBodySize"),
      decodedBytes: sum("decodedBodySize"),
      scripts: performance.getEntriesByType("resource").filter((entry) => entry.name.endsWith(".js")).length,
      firstContentfulPaintMs: paint ? Math.round(paint.startTime) : null,
    };
  })()`) as Promise<LoadFigures>;
}

function report(name: string, figures: LoadFigures): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.info(
    `[delivery] ${name}: ${kb(figures.transferredBytes)} transferred (${kb(figures.encodedBytes)} compressed bodies, ` +
      `${kb(figures.decodedBytes)} uncompressed), ${figures.scripts} scripts, first contentful paint ` +
      `${figures.firstContentfulPaintMs ?? "n/a"} ms`,
  );
}

describe("delivering the console", () => {
  let browser: Browser;
  let admin: Person;

  beforeAll(async () => {
    admin = (await createAccount("Delivery Depot", "Dee Admin")).admin;
    await (await ConsoleApi.signIn(admin)).createKey("Warehouse sync");
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("loads the sign-in page in at most 250 KB, compressed, with a cold cache", async () => {
    const { page, context } = await openConsole(browser);
    const responses: Response[] = [];
    page.on("response", (response) => responses.push(response));
    await page.goto("/sign-in", { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
    const figures = await loadFigures(page);
    report("sign-in page", figures);
    expect(figures.transferredBytes).toBeGreaterThan(0);
    expect(figures.transferredBytes).toBeLessThanOrEqual(signInBudgetBytes);
    expect(figures.encodedBytes).toBeLessThan(figures.decodedBytes / 2);

    for (const response of responses.filter((response) => /\.(js|css)$/.test(response.url()))) {
      const headers = await response.allHeaders();
      expect(headers["content-encoding"], response.url()).toMatch(/^(br|gzip)$/);
      expect(headers["cache-control"], response.url()).toBe("public, max-age=31536000, immutable");
    }
    const document = responses.find((response) => new URL(response.url()).pathname === "/sign-in");
    expect((await document?.allHeaders())?.["cache-control"]).toBe("no-cache");
    await context.close();
  });

  it("loads the keys page's code after sign-in and each dialog's code when it is first opened", async () => {
    const { page, context } = await openConsole(browser);
    await page.goto("/sign-in", { waitUntil: "networkidle" });
    const signInScripts = (await loadFigures(page)).scripts;
    await signIn(page, admin);
    await page.getByRole("row").filter({ hasText: "Warehouse sync" }).waitFor();
    await page.waitForLoadState("networkidle");
    const keysScripts = (await loadFigures(page)).scripts;
    expect(keysScripts).toBeGreaterThan(signInScripts);

    await page.getByRole("button", { name: "API Key", exact: true }).click();
    await page.getByRole("dialog", { name: "Generate API Key" }).waitFor();
    expect((await loadFigures(page)).scripts).toBeGreaterThan(keysScripts);
    await context.close();
  });

  it("reports the keys page's cost on a first visit by a signed-in person", async () => {
    const { page, context } = await openConsole(browser);
    await signIn(page, admin);
    // The same person in a new profile (cookie and storage copied, nothing cached): a first visit.
    const cold = await openConsole(browser, { storageState: await context.storageState() });
    await cold.page.goto("/account/api-keys", { waitUntil: "networkidle" });
    await cold.page.getByRole("row").filter({ hasText: "Warehouse sync" }).waitFor();
    const figures = await loadFigures(cold.page);
    report("keys page", figures);
    expect(figures.firstContentfulPaintMs).not.toBeNull();
    await cold.context.close();
    await context.close();
  });
});
