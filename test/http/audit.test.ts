import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEventView } from "../../src/audit/list-audit-events.js";
import { createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp, uniqueEmail } from "../support/test-app.js";
import { expectError, readAudit, reportingRead } from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

function only(events: AuditEventView[], action: string, targetId: string): AuditEventView {
  const matching = events.filter((event) => event.action === action && event.target.id === targetId);
  expect(matching, `${action} on ${targetId}`).toHaveLength(1);
  return matching[0]!;
}

function expectRecentTimestamp(iso: string, since: number) {
  const at = Date.parse(iso);
  expect(at).toBeGreaterThanOrEqual(since - 1000);
  expect(at).toBeLessThanOrEqual(Date.now() + 1000);
}

describe("The audit trail", () => {
  it("records a key's creation, edit and revocation with actor, time, IP and before/after", async () => {
    const account = await createTestAccount(t);
    const since = Date.now();
    const key = await generateKey(account.admin, reportingRead, "Dashboard");
    await account.admin.request("PATCH", `/console/api/keys/${key.id}`, {
      name: "Dashboard v2",
      permissions: { all: false, sections: { reporting: "read", orders: "read" } },
    });
    await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    const { items } = await readAudit(account.admin, "limit=100");
    const actor = { id: account.admin.userId, label: account.admin.email };

    const created = only(items, "api_key.created", key.id);
    expect(created).toMatchObject({
      actor,
      ip: "127.0.0.1",
      target: { type: "api_key", id: key.id },
      details: { after: { name: "Dashboard", permissions: reportingRead } },
    });
    expectRecentTimestamp(created.createdAt, since);

    const updated = only(items, "api_key.updated", key.id);
    expect(updated).toMatchObject({
      actor,
      ip: "127.0.0.1",
      details: {
        before: { name: "Dashboard", permissions: reportingRead },
        after: {
          name: "Dashboard v2",
          permissions: { all: false, sections: { reporting: "read", orders: "read" } },
        },
      },
    });
    expectRecentTimestamp(updated.createdAt, since);

    const revoked = only(items, "api_key.revoked", key.id);
    expect(revoked).toMatchObject({ actor, ip: "127.0.0.1", details: { name: "Dashboard v2" } });
    expectRecentTimestamp(revoked.createdAt, since);
  });

  it("records the Manager, not an Administrator, as the actor of a Manager's own key", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const key = await generateKey(manager, reportingRead);
    const { items } = await readAudit(account.admin, "action=api_key.created");
    expect(only(items, "api_key.created", key.id).actor).toEqual({
      id: manager.userId,
      label: manager.email,
    });
  });

  it("records API access being granted and removed, with before and after", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: false });
    await account.admin.request("POST", `/console/api/users/${manager.userId}/api-access`);
    await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`);
    const { items } = await readAudit(account.admin, "limit=100");
    const actor = { id: account.admin.userId, label: account.admin.email };

    expect(only(items, "user.api_access_granted", manager.userId)).toMatchObject({
      actor,
      ip: "127.0.0.1",
      target: { type: "user", id: manager.userId },
      details: { before: { hasApiAccess: false }, after: { hasApiAccess: true } },
    });
    expect(only(items, "user.api_access_removed", manager.userId)).toMatchObject({
      actor,
      ip: "127.0.0.1",
      details: { before: { hasApiAccess: true }, after: { hasApiAccess: false } },
    });
  });

  it("records a user's creation and deactivation", async () => {
    const account = await createTestAccount(t);
    const email = uniqueEmail("audited");
    const created = await account.admin.request("POST", "/console/api/users", {
      email,
      name: "Audited Person",
      role: "marketplace_manager",
      password: testPassword,
      apiAccess: true,
    });
    const userId = (created.json() as { id: string }).id;
    await account.admin.request("POST", `/console/api/users/${userId}/deactivate`);
    const { items } = await readAudit(account.admin, "limit=100");
    const actor = { id: account.admin.userId, label: account.admin.email };

    expect(only(items, "user.created", userId)).toMatchObject({
      actor,
      ip: "127.0.0.1",
      details: { email, name: "Audited Person", role: "marketplace_manager", hasApiAccess: true },
    });
    expect(only(items, "user.deactivated", userId)).toMatchObject({
      actor,
      ip: "127.0.0.1",
      details: { before: { isActive: true }, after: { isActive: false } },
    });
  });

  it("records sign-ins, and failed sign-ins of a known user without an actor id", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager();
    await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      payload: { email: manager.email, password: "wrong-password-123" },
    });
    const { items } = await readAudit(account.admin, "limit=100");

    expect(only(items, "user.signed_in", manager.userId)).toMatchObject({
      actor: { id: manager.userId, label: manager.email },
      ip: "127.0.0.1",
    });
    const failed = only(items, "user.sign_in_failed", manager.userId);
    expect(failed).toMatchObject({ actor: { id: null, label: manager.email }, ip: "127.0.0.1" });
  });

  it("records the connection's IP, not one the client claims in X-Forwarded-For", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager();
    const response = await t.app.inject({
      method: "POST",
      url: "/console/api/session",
      headers: { "x-forwarded-for": "203.0.113.9" },
      payload: { email: manager.email, password: testPassword },
    });
    expect(response.statusCode).toBe(200);
    const { items } = await readAudit(account.admin, `actorId=${manager.userId}&action=user.signed_in`);
    expect(items.map((event) => event.ip)).toEqual(["127.0.0.1", "127.0.0.1"]);
  });

  it("lists newest first", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    await account.admin.request("PATCH", `/console/api/keys/${key.id}`, { name: "Second" });
    await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    const { items } = await readAudit(account.admin, "limit=100");

    expect(items.slice(0, 3).map((event) => event.action)).toEqual([
      "api_key.revoked",
      "api_key.updated",
      "api_key.created",
    ]);
    const times = items.map((event) => event.createdAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(items.at(-1)?.action).toBe("account.created");
  });

  it("filters by action", async () => {
    const account = await createTestAccount(t);
    const first = await generateKey(account.admin, reportingRead);
    const second = await generateKey(account.admin, reportingRead);
    await account.admin.request("POST", `/console/api/keys/${first.id}/revoke`);
    const { items } = await readAudit(account.admin, "action=api_key.created");
    expect(items.map((event) => event.target.id)).toEqual([second.id, first.id]);
    expect(items.every((event) => event.action === "api_key.created")).toBe(true);
  });

  it("filters by actor", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const managerKey = await generateKey(manager, reportingRead);
    await generateKey(account.admin, reportingRead);
    const { items } = await readAudit(account.admin, `actorId=${manager.userId}`);

    expect(items.length).toBeGreaterThanOrEqual(2);
    expect(items.every((event) => event.actor.id === manager.userId)).toBe(true);
    expect(items.map((event) => event.action)).toEqual(["api_key.created", "user.signed_in"]);
    expect(items[0]!.target.id).toBe(managerKey.id);
  });

  it("refuses an unknown action filter", async () => {
    const account = await createTestAccount(t);
    const error = expectError(
      await account.admin.request("GET", "/console/api/audit?action=api_key.deleted"),
      400,
      "invalid_request",
    );
    expect(error.message).toContain("action");
  });

  it("pages with nextCursor through every event exactly once", async () => {
    const account = await createTestAccount(t);
    for (let i = 0; i < 3; i++) await generateKey(account.admin, reportingRead, `Key ${i}`);
    const everything = (await readAudit(account.admin, "limit=100")).items.map((event) => event.id);
    expect(everything.length).toBeGreaterThanOrEqual(5);

    const paged: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const page = await readAudit(account.admin, query);
      expect(page.items.length).toBeLessThanOrEqual(2);
      paged.push(...page.items.map((event) => event.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 20);

    expect(paged).toEqual(everything);
    expect(pages).toBe(Math.ceil(everything.length / 2));
  });

  it("shows an Administrator only their own account's events", async () => {
    const account = await createTestAccount(t);
    const other = await createTestAccount(t);
    const key = await generateKey(account.admin, reportingRead);
    const otherEvents = (await readAudit(other.admin, "limit=100")).items;
    expect(otherEvents.some((event) => event.target.id === key.id)).toBe(false);
    expect(otherEvents.some((event) => event.actor.id === account.admin.userId)).toBe(false);
    expect((await readAudit(other.admin, `actorId=${account.admin.userId}`)).items).toEqual([]);
  });

  it("is closed to Marketplace Managers, with or without API access", async () => {
    const account = await createTestAccount(t);
    for (const manager of [await account.addManager({ apiAccess: true }), await account.addManager()]) {
      expectError(await manager.request("GET", "/console/api/audit"), 403, "administrator_required");
    }
  });
});
