import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { Person } from "./cli.js";
import { baseUrl } from "./support.js";

/**
 * A person signed in to the console API from outside the browser under test: "another window" where an
 * Administrator changes things. Much faster than the CLI for setting up each test's data.
 */
export class ConsoleApi {
  private constructor(
    readonly person: Person,
    private readonly cookie: string,
    private readonly csrfToken: string,
  ) {}

  static async signIn(person: Person): Promise<ConsoleApi> {
    const response = await fetch(`${baseUrl}/console/api/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: person.email, password: person.password }),
    });
    expect(response.status, `signing in ${person.email}`).toBe(200);
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    return new ConsoleApi(person, cookie, csrfToken);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${baseUrl}/console/api${path}`, {
      method,
      headers: {
        cookie: this.cookie,
        "X-CSRF-Token": this.csrfToken,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const payload = (await response.json()) as T;
    expect(response.ok, `${method} ${path}: ${JSON.stringify(payload)}`).toBe(true);
    return payload;
  }

  /** Adds a Marketplace Manager (this session must be an Administrator's). */
  async createManager(name: string, options: { hasApiAccess?: boolean } = {}): Promise<Person> {
    const email = `manager-${randomBytes(5).toString("hex")}@e2e.test`;
    const password = `manager-${randomBytes(8).toString("hex")}`;
    const user = await this.request<{ id: string }>("POST", "/users", {
      email,
      name,
      role: "marketplace_manager",
      password,
      apiAccess: options.hasApiAccess ?? false,
    });
    return { id: user.id, name, email, password };
  }

  /** Generates a key owned by this session's person; `sections` like { reporting: "read" }, or all. */
  async createKey(name: string, sections?: Record<string, "read" | "write">): Promise<{ id: string }> {
    const permissions = sections ? { all: false, sections } : { all: true };
    const { key } = await this.request<{ key: { id: string } }>("POST", "/keys", { name, permissions });
    return key;
  }

  async setApiAccess(person: Person, hasApiAccess: boolean): Promise<void> {
    await this.request(hasApiAccess ? "POST" : "DELETE", `/users/${person.id}/api-access`);
  }
}
