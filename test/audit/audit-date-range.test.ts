import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface EventPage {
  items: { id: string; action: string; createdAt: string }[];
  nextCursor: string | null;
}

const pause = () => new Promise((wake) => setTimeout(wake, 15));

/** An account whose Administrator generated three keys, a few milliseconds apart. */
async function accountWithThreeKeys() {
  const account = await createTestAccount(t);
  for (let index = 0; index < 3; index += 1) {
    await pause();
    await generateKey(account.admin);
  }
  const all = (await account.admin.request("GET", "/console/api/audit?action=api_key.created")).json();
  // Newest first: the third key's event is items[0].
  const [third, second, first] = (all as EventPage).items;
  if (!first || !second || !third) throw new Error("expected three key events");
  return { account, first, second, third };
}

describe("the audit log's date range", () => {
  it("lists only events from `from` (included) up to `to` (excluded)", async () => {
    const { account, first, second, third } = await accountWithThreeKeys();
    const query = `action=api_key.created&from=${second.createdAt}&to=${third.createdAt}`;
    const response = await account.admin.request("GET", `/console/api/audit?${query}`);
    expect(response.statusCode).toBe(200);
    const ids = (response.json() as EventPage).items.map((event) => event.id);
    expect(ids).toEqual([second.id]);
    expect(ids).not.toContain(first.id);
    expect(ids).not.toContain(third.id);
  });

  it("applies each bound on its own and pages within the range", async () => {
    const { account, first, second, third } = await accountWithThreeKeys();
    const since = await account.admin.request(
      "GET",
      `/console/api/audit?action=api_key.created&from=${second.createdAt}&limit=1`,
    );
    const page = since.json() as EventPage;
    expect(page.items.map((event) => event.id)).toEqual([third.id]);
    const next = await account.admin.request(
      "GET",
      `/console/api/audit?action=api_key.created&from=${second.createdAt}&limit=1&cursor=${page.nextCursor}`,
    );
    expect((next.json() as EventPage).items.map((event) => event.id)).toEqual([second.id]);
    expect((next.json() as EventPage).nextCursor).toBeNull();

    const before = await account.admin.request(
      "GET",
      `/console/api/audit?action=api_key.created&to=${second.createdAt}`,
    );
    expect((before.json() as EventPage).items.map((event) => event.id)).toEqual([first.id]);
  });

  it("refuses a range that ends before it starts, naming `to`", async () => {
    const { account, first, third } = await accountWithThreeKeys();
    const response = await account.admin.request(
      "GET",
      `/console/api/audit?from=${third.createdAt}&to=${first.createdAt}`,
    );
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe("invalid_request");
    expect(response.json().error.fields).toEqual(["to"]);
  });

  it("refuses a bound that is not a date-time, naming the field", async () => {
    const account = await createTestAccount(t);
    const response = await account.admin.request("GET", "/console/api/audit?from=last-tuesday");
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual(["from"]);
  });

  it("refuses a Manager even with a date range", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const response = await manager.request("GET", "/console/api/audit?from=2020-01-01T00:00:00Z");
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe("administrator_required");
  });
});
