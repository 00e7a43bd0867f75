import { mkdir, readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { expect, inject } from "vitest";
import type { Person } from "./cli.js";

const repoRoot = resolve(import.meta.dirname, "../..");
const screenshotDir = resolve(repoRoot, "docs/screenshots");
const axePath = resolve(repoRoot, "node_modules/axe-core/axe.min.js");

export const baseUrl = inject("baseUrl");
/** A LAN-style host name that Chromium resolves to the e2e server (see launchBrowser). */
export const lanHost = "keyward.lan";

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      `--host-resolver-rules=MAP ${lanHost} 127.0.0.1`,
    ],
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
}

export interface ConsoleOptions {
  viewport?: { width: number; height: number };
  colorScheme?: "light" | "dark";
  baseURL?: string;
  /** Cookies and storage of another context: the same person, signed in, with an empty cache. */
  storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>;
}

export const desktopViewport = { width: 1280, height: 800 };
export const phoneViewport = { width: 390, height: 844 };

/**
 * A fresh browser profile (its own cookies) on the console, with clipboard access granted. The console's
 * real CSP applies: axe is evaluated through the DevTools protocol, which CSP does not govern.
 */
export async function openConsole(browser: Browser, options: ConsoleOptions = {}): Promise<ConsolePage> {
  const origin = options.baseURL ?? baseUrl;
  const context = await browser.newContext({
    baseURL: origin,
    viewport: options.viewport ?? desktopViewport,
    colorScheme: options.colorScheme ?? "light",
    reducedMotion: "reduce",
    locale: "en-US",
    timezoneId: "UTC",
    ...(options.storageState ? { storageState: options.storageState } : {}),
  });
  // Chromium grants the clipboard only to secure origins (127.0.0.1 is one; a plain-http LAN name is not).
  if (origin === baseUrl) {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  }
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the sign-in form and waits for the console to load. */
export async function signIn(page: Page, person: Person): Promise<void> {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(person.email);
  await page.getByRole("textbox", { name: "Password" }).fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await accountMenuButton(page, person).waitFor();
}

export function accountMenuButton(page: Page, person: Person): Locator {
  return page.getByRole("button", { name: `Account menu for ${person.name}` });
}

export async function signOut(page: Page, person: Person): Promise<void> {
  await accountMenuButton(page, person).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

let axeSource: Promise<string> | undefined;

/** Runs axe-core on the page; returns the serious and critical violations, described for a failure message. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const hasAxe = await page.evaluate("typeof window.axe !== 'undefined'");
  if (!hasAxe) {
    axeSource ??= readFile(axePath, "utf8");
    await page.evaluate(await axeSource);
  }
  const violations = (await page.evaluate(
    "axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)",
  )) as AxeViolation[];
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.impact} ${violation.id}: ${violation.help}\n${violation.nodes
          .map((node) => `  at ${node.target.join(" ")}: ${node.failureSummary ?? ""}`)
          .join("\n")}`,
    );
}

/**
 * Fails on any serious or critical axe violation in the page's current state. Polled: Mantine places a
 * SegmentedControl's indicator a frame after a dialog renders; a lasting violation still fails after 5 s.
 */
export async function expectAccessible(page: Page): Promise<void> {
  await expect.poll(() => seriousA11yViolations(page), { timeout: 5_000, interval: 250 }).toEqual([]);
}

/** Clicks `trigger`, waits for the dialog called `name`, checks it with axe, and returns it. */
export async function openDialog(page: Page, trigger: Locator, name: string): Promise<Locator> {
  await trigger.click();
  const dialog = page.getByRole("dialog", { name });
  await dialog.waitFor();
  await expectAccessible(page);
  return dialog;
}

/** Waits for an error (or any message) to show, then checks the page with axe in that state. */
export async function expectShown(page: Page, message: Locator): Promise<void> {
  await message.waitFor();
  await expectAccessible(page);
}

/** Opens a key's or user's row menu and picks an item. */
export async function chooseRowAction(page: Page, subject: string, item: string): Promise<void> {
  await page.getByRole("button", { name: `Actions for ${subject}` }).click();
  await page.getByRole("menuitem", { name: item }).click();
}

/**
 * True when nothing sticks out sideways: the page never scrolls horizontally. Measured once the layout
 * has settled after a resize (the shell's transitions take a moment), for up to 3 s.
 */
export async function expectNoSidewaysScroll(page: Page, where: string): Promise<void> {
  const overflow = async () => {
    const widths = (await page.evaluate(
      "({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth })",
    )) as { scrollWidth: number; innerWidth: number };
    return widths.scrollWidth - widths.innerWidth;
  };
  await expect
    .poll(overflow, { message: `${where} is wider than the viewport by`, timeout: 3_000, interval: 100 })
    .toBeLessThanOrEqual(0);
}

/** Fails unless the element is entirely inside the viewport (and so can be seen and clicked). */
export async function expectInViewport(page: Page, element: Locator, what: string): Promise<void> {
  const box = await element.boundingBox();
  const viewport = page.viewportSize();
  expect(box, `${what} is not rendered`).not.toBeNull();
  if (!box || !viewport) return;
  expect(box.x, `${what} starts left of the viewport`).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, `${what} ends right of the viewport`).toBeLessThanOrEqual(viewport.width + 0.5);
}

/** What the browser does when a person switches back to the console's window. */
export async function returnToWindow(page: Page): Promise<void> {
  await page.evaluate("window.dispatchEvent(new Event('focus'))");
}

/** Collects the console errors a page logs from now on. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Saves a PNG of the current viewport to docs/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotDir, { recursive: true });
  await page.screenshot({
    path: resolve(screenshotDir, `${name}.png`),
    animations: "disabled",
    caret: "hide",
    // Toasts from earlier steps would cover the screen in the picture.
    style: ".mantine-Notifications-root { display: none !important; }",
  });
}

/** Calls the marketplace API with an API key, as an integration would. */
export async function callApi(path: string, key: string): Promise<number> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${key}` } });
  await response.body?.cancel();
  return response.status;
}

export async function readClipboard(page: Page): Promise<string> {
  return (await page.evaluate("navigator.clipboard.readText()")) as string;
}
