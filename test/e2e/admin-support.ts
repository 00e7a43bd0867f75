import type { Page } from "playwright-core";
import type { Person } from "./cli.js";
import { baseUrl } from "./support.js";

/** A console API session outside the browser whose refusals are answers, not failures. */
export async function consoleSession(person: Person) {
  const response = await fetch(`${baseUrl}/console/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email: person.email, password: person.password }),
  });
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return {
    status: response.status,
    async request(method: string, path: string, body?: unknown) {
      const answer = await fetch(`${baseUrl}/console/api${path}`, {
        method,
        headers: {
          cookie,
          "X-CSRF-Token": csrfToken,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await answer.text();
      return { status: answer.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
    },
  };
}

/** The page's URL query as an object, e.g. { q: "mo", size: "10" }. */
export function urlQuery(page: Page): Record<string, string> {
  return Object.fromEntries(new URL(page.url()).searchParams);
}

/** Picks an option of a Mantine Select by its label. */
export async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole("textbox", { name: label, exact: true }).click();
  await page.getByRole("option", { name: option, exact: true }).click();
}
