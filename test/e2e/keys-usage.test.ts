import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, type Person } from "./cli.js";
import { consoleSession } from "./keys-support.js";
import {
  type ConsolePage,
  callApi,
  expectAccessible,
  launchBrowser,
  openConsole,
  screenshot,
  signIn,
} from "./support.js";

describe("a key's page shows what the key did and what it needs", () => {
  let browser: Browser;
  let admin: Person;
  let desktop: ConsolePage;

  beforeAll(async () => {
    admin = (await createAccount("Adventure Works", "Ada Admin")).admin;
    browser = await launchBrowser();
    desktop = await openConsole(browser);
    await signIn(desktop.page, admin);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("charts the requests made with the key, with a table of the same numbers, its routes and client addresses", async () => {
    const { page } = desktop;
    const admins = await consoleSession(admin);
    const key = await admins.createKey("Sales dashboard", {
      rateLimit: "600/min",
      permissions: { all: false, sections: { reporting: "read" } },
    });
    for (let i = 0; i < 5; i++) expect(await callApi("/api/v1/reports/sales", key.secret)).toBe(200);
    expect(await callApi("/api/v1/orders", key.secret)).toBe(403);

    await page.goto(`/account/api-keys/${key.id}`);
    await page.getByRole("heading", { name: "Sales dashboard" }).waitFor();
    // Usage is written in batches every second (KEYWARD_USAGE_FLUSH_SECONDS=1): reload until it is in.
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole("heading", { name: "Usage" }).waitFor();
          return page
            .getByTestId("usage-requests")
            .textContent({ timeout: 5_000 })
            .catch(() => "");
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toBe("6");
    const chart = page.getByTestId("usage-chart");
    await chart.locator("svg .recharts-bar-rectangle").first().waitFor();
    await page.getByText("Requests over time as a table").click();
    await page
      .getByRole("region", { name: "Requests over time" })
      .getByRole("cell", { name: "5" })
      .first()
      .waitFor();
    await page.getByRole("region", { name: "Top routes" }).getByText("/api/v1/reports/sales").waitFor();
    await page.getByRole("region", { name: "Recent client IP addresses" }).getByText("127.0.0.1").waitFor();
    expect(await page.getByTestId("rate-limit-status").textContent()).toContain("Rate limit 600/min");
    await expectAccessible(page);
    await screenshot(page, "key-detail");
  });

  it("advises narrowing an all-permissions key to what it used, and narrows it in one audited edit", async () => {
    const { page } = desktop;
    const admins = await consoleSession(admin);
    const key = await admins.createKey("Reporting only in practice");
    for (let i = 0; i < 3; i++) expect(await callApi("/api/v1/reports/sales", key.secret)).toBe(200);
    await page.goto(`/account/api-keys/${key.id}`);
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole("heading", { name: "Usage" }).waitFor();
          return page.getByTestId("key-advice").count();
        },
        { timeout: 20_000, interval: 1_000 },
      )
      .toBe(1);
    expect(await page.getByTestId("key-advice").textContent()).toContain("Reporting (read)");

    // Edit shows, before saving, what narrower permissions would have refused.
    await page.getByRole("button", { name: "Edit", exact: true }).click();
    const edit = page.getByRole("dialog", { name: "Edit API Key" });
    await edit.getByRole("radio", { name: "Specific sections" }).check();
    await edit.getByRole("radiogroup", { name: "Orders" }).getByText("Read", { exact: true }).click();
    await expect
      .poll(() => edit.getByTestId("edit-dry-run").textContent())
      .toContain("3 requests in the last 30 days would now be refused: GET /api/v1/reports/sales ×3");
    await expectAccessible(page);
    await edit.getByRole("button", { name: "Cancel" }).click();
    await edit.waitFor({ state: "hidden" });

    await page.getByRole("button", { name: "Narrow to what it uses" }).click();
    const dialog = page.getByRole("dialog", { name: "Narrow the key's permissions" });
    await dialog.getByText("No request in the last 30 days would have been refused.").waitFor();
    await expectAccessible(page);
    await dialog.getByRole("button", { name: "Update API Key" }).click();
    await dialog.waitFor({ state: "hidden" });
    await page.getByText("Reporting (read)", { exact: true }).first().waitFor();
    await expect.poll(() => page.getByTestId("key-advice").count()).toBe(0);
    // The narrowing is real: the key now can't touch orders, and still reads reports.
    expect(await callApi("/api/v1/orders", key.secret)).toBe(403);
    expect(await callApi("/api/v1/reports/sales", key.secret)).toBe(200);
  });
});
