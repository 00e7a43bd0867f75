import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { createServiceToken, verifyRemotely } from "./support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface ListedToken {
  id: string;
  name: string;
  status: string;
  lastUsedAt: string | null;
  createdBy: { id: string; email: string } | null;
}

describe("Settings > Service tokens (console API)", () => {
  it("lists the account's tokens newest first with who created each and when last used, never a secret", async () => {
    const account = await createTestAccount(t);
    const second = await account.addAdministrator();
    const first = await createServiceToken(account.admin, "orders-service");
    const later = await createServiceToken(second, "billing-service");
    await verifyRemotely(t, first.secret, { key: "mpk_not-a-key" });
    const list = () => account.admin.request("GET", "/console/api/service-tokens");
    // The first use is recorded beside the request, not in it.
    await expect
      .poll(async () => ((await list()).json() as { items: ListedToken[] }).items[1]?.lastUsedAt ?? null)
      .not.toBeNull();

    const response = await list();
    expect(response.statusCode, response.body).toBe(200);
    const { items } = response.json() as { items: ListedToken[] };
    expect(items.map((token) => token.name)).toEqual(["billing-service", "orders-service"]);
    expect(items[0]).toMatchObject({
      id: later.id,
      status: "active",
      lastUsedAt: null,
      createdBy: { id: second.userId, email: second.email },
    });
    expect(items[1]).toMatchObject({ id: first.id, createdBy: { id: account.admin.userId } });
    expect(response.body).not.toContain(first.secret);
    expect(response.body).not.toContain(later.secret);
  });

  it("refuses a Marketplace Manager listing, creating or revoking service tokens", async () => {
    const account = await createTestAccount(t);
    const token = await createServiceToken(account.admin);
    const manager = await account.addManager({ apiAccess: true });
    for (const [method, url] of [
      ["GET", "/console/api/service-tokens"],
      ["POST", "/console/api/service-tokens"],
      ["POST", `/console/api/service-tokens/${token.id}/revoke`],
    ] as const) {
      const response = await manager.request(method, url, method === "POST" ? { name: "sneaky" } : undefined);
      expect(response.statusCode, `${method} ${url}`).toBe(403);
    }
    const listed = await account.admin.request("GET", "/console/api/service-tokens");
    expect(listed.json()).toMatchObject({ items: [{ id: token.id, status: "active" }] });
  });

  it("doesn't let an Administrator see or revoke another account's token", async () => {
    const ours = await createTestAccount(t);
    const theirs = await createTestAccount(t);
    const token = await createServiceToken(theirs.admin);
    const listed = await ours.admin.request("GET", "/console/api/service-tokens");
    expect(listed.json()).toEqual({ items: [] });
    const revoke = await ours.admin.request("POST", `/console/api/service-tokens/${token.id}/revoke`);
    expect(revoke.statusCode).toBe(404);
  });
});
