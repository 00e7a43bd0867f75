import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pruneUsage, retention } from "../../src/usage/usage-retention.js";
import { uniqueIp } from "../hardening/support/network.js";
import { callWithKey } from "../hardening/support/requests.js";
import { generateWith, reportingRead } from "../hygiene/support.js";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

// Least-privilege advice reads what a key's requests really needed (usage_day, authorized requests
// only) and suggests the narrowest permissions covering it; the dry run says what an edit would refuse.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const allPermissions = { all: true } as const;

async function useKey(secret: string, paths: string[]) {
  const ip = uniqueIp();
  for (const path of paths) await callWithKey(t, secret, path, { ip });
  await t.usageCounter.flush();
}

describe("least-privilege advice", () => {
  it("suggests Reporting (read) for an all-permissions key that only pulled reports", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { permissions: allPermissions });
    await useKey(key.secret, ["/api/v1/reports/sales", "/api/v1/reports/sales", "/api/v1/key"]);

    const advice = await admin.request("GET", `/console/api/keys/${key.id}/advice`);
    expect(advice.statusCode, advice.body).toBe(200);
    expect(advice.json()).toMatchObject({
      exercised: ["reporting:read"],
      exercisedSummary: "Used only Reporting (read) in the last 30 days",
      suggestion: { all: false, sections: { reporting: "read" } },
      suggestionSummary: "Reporting (read)",
    });
    const listed = (await admin.request("GET", "/console/api/advice")).json();
    expect(listed.items.map((item: { keyId: string }) => item.keyId)).toContain(key.id);
  });

  it("suggests nothing for a key that uses all it holds, and ignores refused requests", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { permissions: reportingRead });
    // A refused request (orders needs a permission the key lacks) is not something the key "uses".
    await useKey(key.secret, ["/api/v1/reports/sales", "/api/v1/orders"]);

    const advice = (await admin.request("GET", `/console/api/keys/${key.id}/advice`)).json();
    expect(advice.exercised).toEqual(["reporting:read"]);
    expect(advice.suggestion).toBeNull();
    const listed = (await admin.request("GET", "/console/api/advice")).json();
    expect(listed.items.map((item: { keyId: string }) => item.keyId)).not.toContain(key.id);
  });

  it("counts in a dry run the requests narrower permissions would have refused, and changes nothing", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { permissions: allPermissions });
    await useKey(key.secret, ["/api/v1/reports/sales", "/api/v1/reports/sales", "/api/v1/orders"]);

    const dryRun = await admin.request("POST", `/console/api/keys/${key.id}/dry-run`, {
      permissions: { all: false, sections: { orders: "read" } },
    });
    expect(dryRun.statusCode, dryRun.body).toBe(200);
    expect(dryRun.json()).toMatchObject({
      refusedRequests: 2,
      routes: [{ route: "GET /api/v1/reports/sales", permission: "reporting:read", requests: 2 }],
    });
    const after = (await admin.request("GET", `/console/api/keys/${key.id}`)).json();
    expect(after.permissions).toEqual({ all: true });
  });

  it("refuses a dry run with permissions outside the catalogue, naming the field", async () => {
    const { admin } = await createTestAccount(t);
    const key = await generateWith(admin, { permissions: allPermissions });
    const refused = await admin.request("POST", `/console/api/keys/${key.id}/dry-run`, {
      permissions: { all: false, sections: { refunds: "read" } },
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.fields).toEqual(["permissions.sections.refunds"]);
  });

  it("is the account's list for Administrators only, and a key of another account is not found", async () => {
    const { admin, addManager } = await createTestAccount(t);
    const other = await createTestAccount(t, "Other Marketplace");
    const manager = await addManager({ apiAccess: true });
    const theirs = await generateWith(other.admin, { permissions: allPermissions });

    expect((await manager.request("GET", "/console/api/advice")).statusCode).toBe(403);
    expect((await admin.request("GET", `/console/api/keys/${theirs.id}/advice`)).statusCode).toBe(404);
    const dryRun = await admin.request("POST", `/console/api/keys/${theirs.id}/dry-run`, {
      permissions: reportingRead,
    });
    expect(dryRun.statusCode).toBe(404);
  });
});

describe("usage retention", () => {
  it("deletes minute, hour and day rows past their retention and keeps the newer ones", async () => {
    const { admin, accountId } = await createTestAccount(t);
    const key = await generateWith(admin, { permissions: reportingRead });
    const now = Date.now();
    const row = (bucket: number) => ({
      account_id: accountId,
      key_id: key.id,
      bucket: new Date(bucket).toISOString(),
      route: "GET /api/v1/reports/sales",
      permission: "reporting:read",
      status_class: "2xx",
      authorized: 1,
      requests: 1,
    });
    for (const table of ["usage_minute", "usage_hour", "usage_day"] as const) {
      const kept = retention[table];
      await t.database.db
        .insertInto(table)
        .values([row(now - kept - 3_600_000), row(now - kept + 3_600_000)])
        .execute();
    }

    await pruneUsage(t.database.db, now);

    for (const table of ["usage_minute", "usage_hour", "usage_day"] as const) {
      const left = await t.database.db
        .selectFrom(table)
        .select("bucket")
        .where("key_id", "=", key.id)
        .execute();
      expect(
        left.map((r) => r.bucket),
        table,
      ).toEqual([new Date(now - retention[table] + 3_600_000).toISOString()]);
    }
  });
});
