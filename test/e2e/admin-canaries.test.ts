import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleSession } from "./admin-support.js";
import { createAccount, type Person } from "./cli.js";
import { ConsoleApi } from "./console-api.js";
import { takeSecret } from "./keys-support.js";
import {
  baseUrl,
  type ConsolePage,
  expectAccessible,
  expectInViewport,
  expectNoSidewaysScroll,
  expectShown,
  launchBrowser,
  openConsole,
  openDialog,
  phoneViewport,
  returnToWindow,
  screenshot,
  signIn,
} from "./support.js";

/** Calls the marketplace API with a key, as whoever found it would; returns the status and error code. */
async function useKey(key: string): Promise<{ status: number; code: unknown }> {
  const response = await fetch(`${baseUrl}/api/v1/orders`, {
    headers: { Authorization: `Bearer ${key}`, "User-Agent": "curious-finder/1.0" },
  });
  const body = (await response.json()) as { error?: { code?: string } };
  return { status: response.status, code: body.error?.code };
}

/** The bell's button once it counts `unread` notifications; the bell asks again whenever the window regains focus. */
async function bellWith(page: Page, unread: number) {
  const name = unread === 0 ? "Notifications" : `Notifications, ${unread} unread`;
  const bell = page.getByRole("button", { name, exact: true });
  await expect
    .poll(
      async () => {
        await returnToWindow(page);
        return bell.count();
      },
      { timeout: 20_000, interval: 500 },
    )
    .toBe(1);
  return bell;
}

describe("Canary keys, the notification bell and the leak policy", () => {
  let browser: Browser;
  let admin: Person;
  let elsewhere: ConsoleApi;
  let desktop: ConsolePage;
  let canarySecret = "";

  beforeAll(async () => {
    admin = (await createAccount("Canary Coalworks", "Cora Admin")).admin;
    elsewhere = await ConsoleApi.signIn(admin);
    browser = await launchBrowser();
    desktop = await openConsole(browser);
    await signIn(desktop.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("lets an Administrator create a canary from Settings and shows its key exactly once", async () => {
    const { page } = desktop;
    await page
      .getByRole("navigation", { name: "Main menu" })
      .getByRole("link", { name: "Canary keys" })
      .click();
    await page.getByRole("heading", { name: "Canary keys", exact: true }).waitFor();
    await page
      .getByText(/any use of it is refused and raises an alert/)
      .first()
      .waitFor();
    await page.getByText("No canary keys yet").waitFor();

    const form = await openDialog(
      page,
      page.getByRole("button", { name: "Create canary" }),
      "Create a canary key",
    );
    await form.getByRole("button", { name: "Create canary" }).click();
    const name = form.getByRole("textbox", { name: "Name" });
    await expect.poll(() => name.getAttribute("aria-invalid")).toBe("true");
    await expectAccessible(page);

    await name.fill("Staging env file");
    await form.getByRole("button", { name: "Create canary" }).click();
    canarySecret = await takeSecret(page, "Your new canary key");

    const row = page.getByRole("row").filter({ hasText: "Staging env file" });
    await row.getByText("Watching").waitFor();
    await row.getByText("Never").waitFor();
    await expectAccessible(page);
    await screenshot(page, "canary-keys");

    await page.reload();
    await row.getByText("Watching").waitFor();
    expect(await page.getByText(canarySecret).count()).toBe(0);
    const session = await consoleSession(admin);
    const canaries = await session.request("GET", "/canaries");
    expect(JSON.stringify(canaries.body)).not.toContain(canarySecret);
    // Listed apart: the canary is not among the account's API keys.
    const keys = await session.request("GET", "/keys?status=all");
    expect(JSON.stringify(keys.body)).not.toContain("Staging env file");
  });

  it("shows the canary's own key page as a canary, with nothing to edit or roll", async () => {
    const { page } = desktop;
    const session = await consoleSession(admin);
    const canaries = (await session.request("GET", "/canaries")).body as { items: Array<{ id: string }> };
    const [canary] = canaries.items;
    await page.goto(`${baseUrl}/account/api-keys/${canary?.id}`);
    await page.getByTestId("canary-notice").waitFor();
    expect(await page.getByRole("button", { name: "Edit", exact: true }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Roll", exact: true }).count()).toBe(0);
    await page.getByTestId("canary-notice").getByRole("link", { name: "Settings > Canary keys" }).click();
    await page.getByRole("heading", { name: "Canary keys", exact: true }).waitFor();
  });

  it("refuses the canary at the marketplace API exactly as it refuses an unknown key", async () => {
    expect(await useKey(canarySecret)).toEqual({ status: 401, code: "invalid_api_key" });
    const unknown = `mpk_${"0".repeat(36)}`;
    expect(await useKey(unknown)).toEqual({ status: 401, code: "invalid_api_key" });
  });

  it("rings the bell: the unread alert leads to the canary list and is read once opened", async () => {
    const { page } = desktop;
    await page.goto("/account");
    const bell = await bellWith(page, 1);
    const panel = await openDialog(page, bell, "Notifications");
    const alert = panel.getByRole("link", { name: /Canary key "Staging env file".*was used/ });
    await alert.getByText(/curious-finder\/1\.0/).waitFor();
    await alert.getByText(/on GET \/api\/v1\/orders/).waitFor();
    await alert.click();

    // A canary's alert leads to the canary list (its alerts, Retire), not to a key page meant for real keys.
    await page.waitForURL("**/settings/canaries");
    await bellWith(page, 0);
    const inbox = await (await consoleSession(admin)).request("GET", "/inbox");
    expect(inbox.body.unread).toBe(0);

    const row = page.getByRole("row").filter({ hasText: "Staging env file" });
    await row.getByText("Triggered").waitFor();
    await row.getByRole("cell", { name: "1", exact: true }).waitFor();
  });

  it("marks every notification read at once, and fits a phone's width", async () => {
    const second = await (await consoleSession(admin)).request("POST", "/canaries", { name: "Wiki page" });
    expect(await useKey(String(second.body.secret))).toEqual({ status: 401, code: "invalid_api_key" });

    const { page, context } = await openConsole(browser, { viewport: phoneViewport });
    await signIn(page, admin);
    const bell = await bellWith(page, 1);
    const panel = await openDialog(page, bell, "Notifications");
    await panel.getByRole("link", { name: /Canary key "Wiki page".*was used/ }).waitFor();
    await expectInViewport(page, panel, "The notifications panel");
    await expectNoSidewaysScroll(page, "the open bell at 390 px");
    await screenshot(page, "notification-bell");
    await panel.getByRole("button", { name: "Mark all as read" }).click();
    await bellWith(page, 0);
    expect(await panel.getByRole("button", { name: "Mark all as read" }).isDisabled()).toBe(true);
    const inbox = await (await consoleSession(admin)).request("GET", "/inbox");
    expect(inbox.body.unread).toBe(0);
    await context.close();
  });

  it("retires a canary only after confirmation", async () => {
    const { page } = desktop;
    await page.goto("/settings/canaries");
    const row = page.getByRole("row").filter({ hasText: "Staging env file" });
    const confirm = await openDialog(
      page,
      row.getByRole("button", { name: "Retire Staging env file" }),
      "Retire this canary?",
    );
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "hidden" });
    await row.getByText("Triggered").waitFor();

    const again = await openDialog(
      page,
      row.getByRole("button", { name: "Retire Staging env file" }),
      "Retire this canary?",
    );
    await again.getByRole("button", { name: "Retire canary" }).click();
    await row.getByText("Retired").waitFor();
    expect(await row.getByRole("button", { name: /Retire/ }).count()).toBe(0);
    const canaries = (await (await consoleSession(admin)).request("GET", "/canaries")).body as {
      items: { name: string; retiredAt: string | null }[];
    };
    expect(canaries.items.find((canary) => canary.name === "Staging env file")?.retiredAt).not.toBeNull();
    expect(await useKey(canarySecret)).toEqual({ status: 401, code: "invalid_api_key" });
  });

  it("switches the leak policy to Notify only, and keeps it across a reload", async () => {
    const { page } = desktop;
    await page.goto("/settings/key-policy");
    const revoke = page.getByRole("radio", { name: /Revoke it \(default\)/ });
    const notify = page.getByRole("radio", { name: /Notify only/ });
    await revoke.waitFor();
    expect(await revoke.isChecked()).toBe(true);
    await notify.check();
    await page.getByRole("button", { name: "Save leak policy" }).click();
    await page.getByText("Leak policy saved").waitFor();
    await expectAccessible(page);

    const saved = await (await consoleSession(admin)).request("GET", "/account/leak-policy");
    expect(saved.body).toEqual({ leakPolicy: "notify" });
    await page.reload();
    await notify.waitFor();
    expect(await notify.isChecked()).toBe(true);
    expect(await revoke.isChecked()).toBe(false);
  });

  it("under Notify only, a key reported leaked keeps working and the bell links to that key's page", async () => {
    const { page } = desktop;
    const created = (await (
      await consoleSession(admin)
    ).request("POST", "/keys", {
      name: "Pasted in a ticket",
      permissions: { all: true },
    })) as { status: number; body: { key?: { id: string }; secret?: string } };
    expect(created.status).toBe(201);
    const secret = String(created.body.secret);
    const reported = await fetch(`${baseUrl}/api/v1/leaked-keys`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ keys: [secret] }),
    });
    expect(reported.status).toBe(202);

    const bell = await bellWith(page, 1);
    const panel = await openDialog(page, bell, "Notifications");
    await panel.getByRole("link", { name: /API key "Pasted in a ticket".*was found in public/ }).click();
    await page.waitForURL(`**/account/api-keys/${created.body.key?.id}`);
    await page.getByRole("heading", { name: "Pasted in a ticket" }).waitFor();
    await bellWith(page, 0);
    const works = await fetch(`${baseUrl}/api/v1/orders`, { headers: { Authorization: `Bearer ${secret}` } });
    await works.body?.cancel();
    expect(works.status).toBe(200);
  });

  it("keeps Marketplace Managers out: no Canary keys in their menu, the plain explanation, and 403s", async () => {
    const manager = await elsewhere.createManager("Milo Manager", { hasApiAccess: true });
    const { page, context } = await openConsole(browser);
    await signIn(page, manager);
    await page.getByRole("button", { name: "Notifications", exact: true }).waitFor();
    expect(
      await page
        .getByRole("navigation", { name: "Main menu" })
        .getByRole("link", { name: "Canary keys" })
        .count(),
    ).toBe(0);
    await page.goto("/settings/canaries");
    await expectShown(page, page.getByText("Only Administrators can create and retire canary keys."));

    const session = await consoleSession(manager);
    expect((await session.request("GET", "/canaries")).status).toBe(403);
    expect((await session.request("POST", "/canaries", { name: "Sneaky" })).status).toBe(403);
    expect((await session.request("PUT", "/account/leak-policy", { leakPolicy: "revoke" })).status).toBe(403);
    // Canary alerts go to Administrators (and the canary's owner) only.
    const inbox = await session.request("GET", "/inbox");
    expect(inbox.body.unread).toBe(0);
    expect(JSON.stringify(inbox.body)).not.toContain("Canary key");
    await context.close();
  });
});
