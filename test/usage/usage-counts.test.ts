import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueIp } from "../hardening/support/network.js";
import { callWithKey } from "../hardening/support/requests.js";
import { generateWith, reportingRead } from "../hygiene/support.js";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

// Usage is counted per request in memory and written in batches, one statement per table for every
// 500 keys (src/db/batch-writes.ts). These tests read it back the way an Administrator does: the console API.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

async function tableTotal(table: "usage_minute" | "usage_hour" | "usage_day", keyId: string) {
  const rows = await t.database.db
    .selectFrom(table)
    .select(["requests"])
    .where("key_id", "=", keyId)
    .execute();
  return rows.reduce((sum, row) => sum + Number(row.requests), 0);
}

describe("usage counting", () => {
  it("counts every request made with a key, refusals included, by minute, hour and day", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { permissions: reportingRead });
    const ip = uniqueIp();
    for (let i = 0; i < 3; i++) {
      expect((await callWithKey(t, key.secret, "/api/v1/reports/sales", { ip })).statusCode).toBe(200);
    }
    for (let i = 0; i < 2; i++) {
      expect((await callWithKey(t, key.secret, "/api/v1/orders", { ip })).statusCode).toBe(403);
    }
    await t.usageCounter.flush();

    for (const table of ["usage_minute", "usage_hour", "usage_day"] as const) {
      expect(await tableTotal(table, key.id), table).toBe(5);
    }
    for (const range of ["1h", "24h", "30d"]) {
      const usage = await admin.request("GET", `/console/api/keys/${key.id}/usage?range=${range}`);
      expect(usage.statusCode, usage.body).toBe(200);
      expect(usage.json().totals, range).toMatchObject({ requests: 5, "2xx": 3, "4xx": 2, refused: 2 });
    }
    const usage = (await admin.request("GET", `/console/api/keys/${key.id}/usage?range=24h`)).json();
    expect(usage.routes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ route: "GET /api/v1/reports/sales", requests: 3, errors: 0 }),
        expect.objectContaining({ route: "GET /api/v1/orders", requests: 2, errors: 2 }),
      ]),
    );
    expect(usage.clientIps).toEqual([expect.objectContaining({ ip, requests: 5 })]);
  });

  it("adds a later batch to the same buckets instead of replacing them", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { permissions: reportingRead });
    const ip = uniqueIp();
    await callWithKey(t, key.secret, "/api/v1/reports/sales", { ip });
    await t.usageCounter.flush();
    await callWithKey(t, key.secret, "/api/v1/reports/sales", { ip });
    await callWithKey(t, key.secret, "/api/v1/reports/sales", { ip });
    await t.usageCounter.flush();

    expect(await tableTotal("usage_minute", key.id)).toBe(3);
    expect(await tableTotal("usage_day", key.id)).toBe(3);
    const usage = (await admin.request("GET", `/console/api/keys/${key.id}/usage?range=24h`)).json();
    expect(usage.totals.requests).toBe(3);
    expect(usage.clientIps).toEqual([expect.objectContaining({ ip, requests: 3 })]);
  });

  it("writes the usage of many keys in one flush, each to its own key", async () => {
    const { admin } = await createTestAccount(t);
    const keys = await Promise.all(
      Array.from({ length: 30 }, () => generateWith(admin, { permissions: reportingRead })),
    );
    for (const [index, key] of keys.entries()) {
      for (let i = 0; i <= index % 3; i++) await callWithKey(t, key.secret, "/api/v1/reports/sales");
    }
    await t.usageCounter.flush();
    await t.usage.flush();

    for (const [index, key] of keys.entries()) {
      expect(await tableTotal("usage_hour", key.id)).toBe((index % 3) + 1);
      const row = await t.database.db
        .selectFrom("api_keys")
        .select(["last_used_at"])
        .where("id", "=", key.id)
        .executeTakeFirstOrThrow();
      expect(row.last_used_at).not.toBeNull();
    }
  });

  it("lets requests run while it writes the usage of thousands of keys, and still writes all of it", async () => {
    // SQLite runs each statement on the event loop: a flush written in one go held every request for
    // as long as it took (a second for 20,000 keys). It is written in slices, the loop turning between.
    for (let i = 0; i < 2_000; i++) {
      t.usageCounter.count({
        accountId: "acc_many_keys",
        keyId: `key_many_${i}`,
        route: "GET /api/v1/key",
        permission: "none",
        statusCode: 200,
        isAuthorized: true,
        ip: "203.0.113.40",
      });
    }
    let isFlushed = false;
    let turns = 0;
    const countTurn = () => {
      if (isFlushed) return;
      turns++;
      setImmediate(countTurn);
    };
    setImmediate(countTurn);
    await t.usageCounter.flush().then(() => {
      isFlushed = true;
    });

    expect(turns).toBeGreaterThanOrEqual(4); // 2,000 keys: four slices of 500, and a turn after each
    for (const keyId of ["key_many_0", "key_many_999", "key_many_1999"]) {
      expect(await tableTotal("usage_minute", keyId)).toBe(1);
      expect(await tableTotal("usage_day", keyId)).toBe(1);
    }
  });

  it("shows a key's usage to nobody outside its account", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { permissions: reportingRead });
    await callWithKey(t, key.secret, "/api/v1/reports/sales");
    await t.usageCounter.flush();
    const other = await createTestAccount(t, "Other Marketplace");
    const response = await other.admin.request("GET", `/console/api/keys/${key.id}/usage?range=24h`);
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain("reports/sales");
  });
});
