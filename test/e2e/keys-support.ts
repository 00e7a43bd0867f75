import type { Locator, Page } from "playwright-core";
import { expect } from "vitest";
import type { Person } from "./cli.js";
import { baseUrl, expectAccessible, openDialog } from "./support.js";

/** A signed-in console API session for setting up keys with expiry, allowlist and rate limit. */
export async function consoleSession(person: Person) {
  const response = await fetch(`${baseUrl}/console/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: person.email, password: person.password }),
  });
  expect(response.status, `signing in ${person.email}`).toBe(200);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const reply = await fetch(`${baseUrl}/console/api${path}`, {
      method,
      headers: {
        cookie,
        "X-CSRF-Token": csrfToken,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = (await reply.json()) as T;
    expect(reply.ok, `${method} ${path}: ${JSON.stringify(payload)}`).toBe(true);
    return payload;
  }
  return {
    call,
    /** Generates a key owned by this person; `fields` adds expiresIn, allowedIps, rateLimit… */
    async createKey(name: string, fields: Record<string, unknown> = {}) {
      const result = await call<{ key: { id: string; hint: string }; secret: string }>("POST", "/keys", {
        name,
        permissions: { all: true },
        ...fields,
      });
      return { id: result.key.id, hint: result.key.hint, secret: result.secret };
    },
  };
}

/** Picks an option of a Mantine Select by its label. */
export async function choose(
  scope: Page | Locator,
  page: Page,
  label: string,
  option: string,
): Promise<void> {
  await scope.getByRole("textbox", { name: label, exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}

/** Opens the Generate dialog from the keys page. */
export function openGenerate(page: Page): Promise<Locator> {
  return openDialog(page, page.getByRole("button", { name: "API Key", exact: true }), "Generate API Key");
}

/** Reads the one-time secret from its window, checks the window with axe, and closes it after copying. */
export async function takeSecret(page: Page, title: string): Promise<string> {
  const window = page.getByRole("dialog", { name: title });
  const secret = (await window.getByTestId("new-key-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^mpk_[0-9A-Za-z]{36}$/);
  await expectAccessible(page);
  await window.getByRole("button", { name: "Copy key" }).click();
  await window.getByRole("button", { name: "Copied" }).waitFor();
  await page.keyboard.press("Escape");
  await window.waitFor({ state: "hidden" });
  return secret;
}

export function keyRow(page: Page, name: string): Locator {
  return page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
}
