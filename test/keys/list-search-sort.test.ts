import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleClient, callApi, createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface KeyItem {
  id: string;
  name: string;
  hint: string;
}

async function create(client: ConsoleClient, name: string, expiresIn = "never") {
  const response = await client.request("POST", "/console/api/keys", {
    name,
    permissions: { all: true },
    expiresIn,
  });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json() as { key: KeyItem; secret: string };
  return { ...body.key, secret: body.secret };
}

async function list(client: ConsoleClient, query: string) {
  const response = await client.request("GET", `/console/api/keys?${query}`);
  return {
    status: response.statusCode,
    body: response.json() as { items: KeyItem[]; nextCursor: string | null },
  };
}

async function names(client: ConsoleClient, query: string): Promise<string[]> {
  const { status, body } = await list(client, query);
  expect(status).toBe(200);
  return body.items.map((key) => key.name);
}

describe("searching and sorting the keys list", () => {
  it("finds keys by part of the name in any case, or by the hint", async () => {
    const { admin } = await createTestAccount(t);
    const orders = await create(admin, "Orders Sync");
    await create(admin, "Reporting Dashboard");
    expect(await names(admin, "q=orders")).toEqual(["Orders Sync"]);
    expect(await names(admin, "q=DASH")).toEqual(["Reporting Dashboard"]);
    expect(await names(admin, `q=${encodeURIComponent(orders.hint.slice(-4))}`)).toContain("Orders Sync");
    expect(await names(admin, "q=nothing-like-this")).toEqual([]);
  });

  it("treats % and _ in a search as the characters themselves, not wildcards", async () => {
    const { admin } = await createTestAccount(t);
    await create(admin, "Payouts 100% export");
    await create(admin, "Payouts 1000 export");
    await create(admin, "orders_sync");
    await create(admin, "ordersXsync");
    expect(await names(admin, "q=100%25")).toEqual(["Payouts 100% export"]);
    expect(await names(admin, "q=orders_sync")).toEqual(["orders_sync"]);
  });

  it("does not show a Manager another person's key, whatever the search", async () => {
    const account = await createTestAccount(t);
    await create(account.admin, "Shared Secret Thing");
    const manager = await account.addManager({ apiAccess: true });
    await create(manager, "Manager Thing");
    expect(await names(manager, "q=thing")).toEqual(["Manager Thing"]);
  });

  it("sorts by name, creation, expiry and last use, both ways", async () => {
    const { admin } = await createTestAccount(t);
    const banana = await create(admin, "banana", "30d");
    await create(admin, "Apple", "7d");
    await create(admin, "cherry", "never");
    expect(await names(admin, "sort=name")).toEqual(["Apple", "banana", "cherry"]);
    expect(await names(admin, "sort=-name")).toEqual(["cherry", "banana", "Apple"]);
    expect(await names(admin, "sort=created")).toEqual(["banana", "Apple", "cherry"]);
    expect(await names(admin, "")).toEqual(["cherry", "Apple", "banana"]);
    // A key that never expires sorts after every expiry.
    expect(await names(admin, "sort=expires")).toEqual(["Apple", "banana", "cherry"]);
    expect(await names(admin, "sort=-expires")).toEqual(["cherry", "banana", "Apple"]);

    expect((await callApi(t, banana.secret, "/api/v1/key")).statusCode).toBe(200);
    await t.usage.flush();
    expect((await names(admin, "sort=-last_used"))[0]).toBe("banana");
    expect((await names(admin, "sort=last_used")).at(-1)).toBe("banana");
  });

  it("pages through a sorted list without skipping or repeating a key", async () => {
    const { admin } = await createTestAccount(t);
    const all = ["d", "B", "a", "C", "e"];
    for (const name of all) await create(admin, name);
    const first = await list(admin, "sort=name&limit=2");
    const second = await list(admin, `sort=name&limit=2&cursor=${first.body.nextCursor}`);
    const third = await list(admin, `sort=name&limit=2&cursor=${second.body.nextCursor}`);
    expect([...first.body.items, ...second.body.items, ...third.body.items].map((key) => key.name)).toEqual([
      "a",
      "B",
      "C",
      "d",
      "e",
    ]);
    expect(third.body.nextCursor).toBeNull();
  });

  it("refuses an unknown sort, naming the field, and lists nothing", async () => {
    const { admin } = await createTestAccount(t);
    const { status, body } = await list(admin, "sort=colour");
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain("sort");
  });

  it("refuses a search longer than 100 characters, naming the field", async () => {
    const { admin } = await createTestAccount(t);
    const { status, body } = await list(admin, `q=${"x".repeat(101)}`);
    expect(status).toBe(400);
    expect(JSON.stringify(body)).toContain("q");
  });
});
