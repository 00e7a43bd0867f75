import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, createManager, type Person } from "./cli.js";
import { type KeywardServer, startKeywardServer } from "./global-setup.js";
import {
  type ConsolePage,
  expectAccessible,
  expectInViewport,
  expectNoSidewaysScroll,
  launchBrowser,
  openConsole,
  openDialog,
  phoneViewport,
  signIn,
} from "./support.js";

// A platform's own catalogue: none of the demo marketplace's five sections.
const platformSections = `
sections:
  - id: invoices
    label: Invoices
    description: Read invoices; write lets the key issue credit notes.
    accesses: [read, write]
  - id: shipments
    label: Shipments
    accesses: [read]
`;

/** Opens Generate on the keys page, picks sections by label, and returns the secret shown once. */
async function generateKey(page: Page, name: string, sectionAccess: Record<string, string>): Promise<string> {
  const form = await openDialog(
    page,
    page.getByRole("button", { name: "API Key", exact: true }),
    "Generate API Key",
  );
  await form.getByRole("textbox", { name: "Name" }).fill(name);
  await form.getByRole("radio", { name: "Specific sections" }).check();
  // The picker offers the file's sections, not the demo marketplace's.
  await form.getByRole("radiogroup", { name: "Invoices" }).waitFor();
  expect(await form.getByRole("radiogroup", { name: "Reporting" }).count()).toBe(0);
  for (const [section, access] of Object.entries(sectionAccess)) {
    await form.getByRole("radiogroup", { name: section }).getByText(access, { exact: true }).click();
  }
  await form.getByRole("button", { name: "Generate API Key" }).click();
  const window = page.getByRole("dialog", { name: "Your new API key" });
  const secret = (await window.getByTestId("new-key-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mpk_[0-9A-Za-z]{36}$/);
  await window.getByRole("button", { name: "Done" }).click();
  await window.waitFor({ state: "hidden" });
  return secret;
}

describe("Settings > Service tokens with the operator's own sections", () => {
  let server: KeywardServer;
  let dir = "";
  let browser: Browser;
  let admin: Person;
  let manager: Person;
  let desktop: ConsolePage;
  let invoiceKey = "";
  let shipmentsKey = "";
  let serviceToken = "";

  async function verify(body: Record<string, unknown>, token = serviceToken) {
    const response = await fetch(`${server.baseUrl}/service/v1/verify`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "keyward-e2e-sections-"));
    const sectionsFile = join(dir, "sections.yaml");
    await writeFile(sectionsFile, platformSections);
    server = await startKeywardServer({ env: { KEYWARD_SECTIONS_FILE: sectionsFile } });
    const account = await createAccount("Parcel Platform", "Pat Admin", server.databasePath);
    admin = account.admin;
    manager = await createManager(account.accountId, "Max Manager", server.databasePath);
    browser = await launchBrowser();
    desktop = await openConsole(browser, { baseURL: server.baseUrl });
    await signIn(desktop.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("lets an Administrator generate keys with the file's sections and shows their labels on the list and detail", async () => {
    const { page } = desktop;
    await page.getByRole("heading", { name: "Manage API Keys" }).waitFor();
    invoiceKey = await generateKey(page, "Invoice reader", { Invoices: "Read" });
    shipmentsKey = await generateKey(page, "Shipment tracker", { Shipments: "Read" });

    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: "Invoice reader" }) });
    await row.getByText("Invoices (read)", { exact: true }).waitFor();
    await row.getByRole("link", { name: "Invoice reader" }).click();
    await page.getByRole("heading", { name: "Invoice reader" }).waitFor();
    await page.getByText("Invoices (read)", { exact: true }).first().waitFor();
    await expectAccessible(page);
  });

  it("creates a service token shown once, listed with who created it and never its secret", async () => {
    const { page } = desktop;
    await page
      .getByRole("navigation", { name: "Main menu" })
      .getByRole("link", { name: "Service tokens" })
      .click();
    await page.getByRole("heading", { name: "Service tokens", exact: true }).waitFor();
    await page.getByText("No service tokens yet").waitFor();
    await expectAccessible(page);

    const form = await openDialog(
      page,
      page.getByRole("button", { name: "Create service token" }),
      "Create service token",
    );
    await form.getByRole("button", { name: "Create service token" }).click();
    await form.getByText(/Enter a name/).waitFor();
    await form.getByRole("textbox", { name: "Name" }).fill("orders-service (production)");
    await form.getByRole("button", { name: "Create service token" }).click();

    const window = page.getByRole("dialog", { name: "Your new service token" });
    serviceToken = (await window.getByTestId("new-key-secret").textContent())?.trim() ?? "";
    expect(serviceToken).toMatch(/^kws_/);
    await window.getByText(/only time the full token will ever be shown/).waitFor();
    await expectAccessible(page);
    // Closing without copying asks first.
    await page.keyboard.press("Escape");
    const ask = page.getByRole("dialog", { name: "Have you copied your token?" });
    await ask.getByRole("button", { name: "I've copied it, close" }).click();
    await window.waitFor({ state: "hidden" });

    const row = page.getByRole("row").filter({ hasText: "orders-service (production)" });
    await row.getByText("Pat Admin").waitFor();
    await row.getByText("Active").waitFor();
    await row.getByText("Never").waitFor();
    expect(await page.content()).not.toContain(serviceToken);
  });

  it("verifies a key with the custom section through the verify API, and reports a key without it as lacking it", async () => {
    const granted = await verify({ key: invoiceKey, permission: "invoices:read" });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({
      valid: true,
      key: { name: "Invoice reader", permissions: { all: false, sections: { invoices: "read" } } },
    });

    const lacking = await verify({ key: shipmentsKey, permission: "invoices:read" });
    expect(lacking.status).toBe(200);
    expect(lacking.body).toMatchObject({
      valid: false,
      code: "insufficient_permissions",
      required: "invoices:read",
    });

    const tooMuch = await verify({ key: invoiceKey, permission: "invoices:write" });
    expect(tooMuch.body).toMatchObject({ valid: false, code: "insufficient_permissions" });
  });

  it("fits a phone screen without sideways scrolling", async () => {
    const phone = await openConsole(browser, {
      baseURL: server.baseUrl,
      viewport: phoneViewport,
      storageState: await desktop.context.storageState(),
    });
    await phone.page.goto("/settings/service-tokens");
    await phone.page.getByRole("heading", { name: "Service tokens", exact: true }).waitFor();
    await phone.page.getByRole("button", { name: "Create service token" }).waitFor();
    const card = phone.page.getByRole("listitem").filter({ hasText: "orders-service (production)" });
    await card.getByText("Created by Pat Admin").waitFor();
    await expectInViewport(
      phone.page,
      card.getByRole("button", { name: "Revoke orders-service (production)" }),
      "Revoke on a phone",
    );
    await expectNoSidewaysScroll(phone.page, "Service tokens on a phone");
    await expectAccessible(phone.page);
    await phone.context.close();
  });

  it("revokes a token after confirmation, after which it verifies nothing", async () => {
    const { page } = desktop;
    const row = page.getByRole("row").filter({ hasText: "orders-service (production)" });
    const confirm = await openDialog(
      page,
      row.getByRole("button", { name: "Revoke orders-service (production)" }),
      "Revoke service token?",
    );
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "hidden" });
    expect((await verify({ key: invoiceKey })).body).toMatchObject({ valid: true });

    await row.getByRole("button", { name: "Revoke orders-service (production)" }).click();
    await page
      .getByRole("dialog", { name: "Revoke service token?" })
      .getByRole("button", { name: "Revoke token" })
      .click();
    await row.getByText("Revoked").waitFor();
    expect(await row.getByRole("button", { name: /Revoke/ }).count()).toBe(0);

    const refused = await verify({ key: invoiceKey });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ error: { code: "invalid_service_token" } });
  });

  it("doesn't show a Marketplace Manager the Service tokens menu item, page or list", async () => {
    const managerConsole = await openConsole(browser, { baseURL: server.baseUrl });
    const { page } = managerConsole;
    await signIn(page, manager);
    const menu = page.getByRole("navigation", { name: "Main menu" });
    await menu.getByRole("link", { name: "Profile" }).waitFor();
    expect(await menu.getByRole("link", { name: "Service tokens" }).count()).toBe(0);
    await page.goto("/settings/service-tokens");
    await page.getByText("Administrators only").waitFor();
    expect(await page.getByRole("button", { name: "Create service token" }).count()).toBe(0);

    const refused = await page.evaluate(async () => (await fetch("/console/api/service-tokens")).status);
    expect(refused).toBe(403);
    await managerConsole.context.close();
  });
});
