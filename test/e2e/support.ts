import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { inject } from "vitest";

const run = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, "../..");
const screenshotDir = resolve(repoRoot, "docs/screenshots");
const axePath = resolve(repoRoot, "node_modules/axe-core/axe.min.js");

export const baseUrl = inject("baseUrl");

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
    ],
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
}

/** A fresh browser profile (its own cookies) on the console, with clipboard access granted. */
export async function openConsole(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
): Promise<ConsolePage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport,
    // axe is injected as a script tag; the console's CSP (script-src 'self') would refuse it.
    bypassCSP: true,
    reducedMotion: "reduce",
    locale: "en-US",
    timezoneId: "UTC",
  });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

export interface Person {
  id: string;
  name: string;
  email: string;
  password: string;
}

function uniqueEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}@e2e.test`;
}

async function keyward(args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ["bin/keyward.js", ...args, "--json"], {
    cwd: repoRoot,
    env: { ...process.env, KEYWARD_DATABASE: inject("databasePath"), KEYWARD_LOG_LEVEL: "warn" },
  });
  return JSON.parse(stdout);
}

/** Creates an account of its own for a test file (through the CLI), with its first Administrator. */
export async function createAccount(
  name: string,
  adminName: string,
): Promise<{ accountId: string; admin: Person }> {
  const password = `admin-${randomBytes(8).toString("hex")}`;
  const email = uniqueEmail("admin");
  const result = (await keyward([
    "accounts",
    "create",
    "--name",
    name,
    "--admin-email",
    email,
    "--admin-password",
    password,
    "--admin-name",
    adminName,
  ])) as { account: { id: string }; administrator: { id: string } };
  return {
    accountId: result.account.id,
    admin: { id: result.administrator.id, name: adminName, email, password },
  };
}

/** Adds a Marketplace Manager without API access (through the CLI). */
export async function createManager(accountId: string, name: string): Promise<Person> {
  const password = `manager-${randomBytes(8).toString("hex")}`;
  const email = uniqueEmail("manager");
  const result = (await keyward([
    "users",
    "create",
    "--account",
    accountId,
    "--email",
    email,
    "--role",
    "marketplace_manager",
    "--password",
    password,
    "--name",
    name,
  ])) as { user: { id: string } };
  return { id: result.user.id, name, email, password };
}

/** Signs in through the sign-in form and waits for the console to load. */
export async function signIn(page: Page, person: Person): Promise<void> {
  await page.goto("/sign-in");
  await page.getByRole("textbox", { name: "Email" }).fill(person.email);
  await page.getByRole("textbox", { name: "Password" }).fill(person.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: `Account menu for ${person.name}` }).waitFor();
}

export async function signOut(page: Page, person: Person): Promise<void> {
  await page.getByRole("button", { name: `Account menu for ${person.name}` }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to Keyward" }).waitFor();
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Runs axe-core on the page; returns the serious and critical violations, described for a failure message. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const hasAxe = await page.evaluate("typeof window.axe !== 'undefined'");
  if (!hasAxe) await page.addScriptTag({ path: axePath });
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
