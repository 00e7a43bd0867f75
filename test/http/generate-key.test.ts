import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKeyView } from "../../src/keys/key-view.js";
import { callApi, createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import {
  countAuditEventsInDatabase,
  countKeysInDatabase,
  expectError,
  getKey,
  listKeys,
  reportingRead,
} from "./helpers.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface Created {
  key: ApiKeyView;
  secret: string;
}

describe("Generating an API key", () => {
  it("shows the full key exactly once, in the create response marked Cache-Control: no-store", async () => {
    const account = await createTestAccount(t);
    const response = await account.admin.request("POST", "/console/api/keys", {
      name: "Internal Reporting Dashboard",
      permissions: reportingRead,
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers["cache-control"]).toBe("no-store");
    const { key, secret } = response.json() as Created;
    expect(secret).toMatch(/^mpk_[0-9A-Za-z]{36}$/);
    expect(key).toMatchObject({
      name: "Internal Reporting Dashboard",
      permissions: reportingRead,
      permissionsSummary: "Reporting (read)",
      owner: { id: account.admin.userId, email: account.admin.email },
      status: "active",
      revokedAt: null,
      revokedBy: null,
      lastUsedAt: null,
      hint: `mpk_…${secret.slice(-4)}`,
    });
    expect(JSON.stringify(key)).not.toContain(secret);

    const list = await account.admin.request("GET", "/console/api/keys?status=all");
    const one = await account.admin.request("GET", `/console/api/keys/${key.id}`);
    expect(list.body).toContain(key.id);
    expect(list.body).not.toContain(secret);
    expect(one.statusCode).toBe(200);
    expect(one.body).not.toContain(secret);

    const who = await callApi(t, secret, "/api/v1/key");
    expect(who.statusCode).toBe(200);
    expect(who.json()).toMatchObject({ id: key.id });
  });

  it("gives every key a different secret", async () => {
    const account = await createTestAccount(t);
    const first = await generateKey(account.admin);
    const second = await generateKey(account.admin);
    expect(first.secret).not.toBe(second.secret);
    expect(first.id).not.toBe(second.id);
  });

  it("lets a Marketplace Manager with API access generate a key they own", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const response = await manager.request("POST", "/console/api/keys", {
      name: "Stock sync",
      permissions: { all: false, sections: { catalog: "write" } },
    });
    expect(response.statusCode, response.body).toBe(201);
    const { key } = response.json() as Created;
    expect(key.owner.id).toBe(manager.userId);
    expect(key.permissionsSummary).toBe("Catalog (read & write)");
  });

  it("refuses every key endpoint to a Marketplace Manager without API access, and writes nothing", async () => {
    const account = await createTestAccount(t);
    const adminKey = await generateKey(account.admin);
    const manager = await account.addManager({ apiAccess: false });
    const keysBefore = await countKeysInDatabase(t, account.accountId);
    const eventsBefore = await countAuditEventsInDatabase(t, account.accountId);

    expectError(await manager.request("GET", "/console/api/keys"), 403, "api_access_required");
    expectError(await manager.request("GET", "/console/api/keys?status=all"), 403, "api_access_required");
    expectError(
      await manager.request("POST", "/console/api/keys", { name: "Mine", permissions: { all: true } }),
      403,
      "api_access_required",
    );
    expectError(await manager.request("GET", `/console/api/keys/${adminKey.id}`), 403, "api_access_required");
    expectError(
      await manager.request("PATCH", `/console/api/keys/${adminKey.id}`, { name: "Hijacked" }),
      403,
      "api_access_required",
    );

    expect(await countKeysInDatabase(t, account.accountId)).toBe(keysBefore);
    expect(await countAuditEventsInDatabase(t, account.accountId)).toBe(eventsBefore);
    const ownedByManager = await t.database.db
      .selectFrom("api_keys")
      .select("id")
      .where("owner_user_id", "=", manager.userId)
      .execute();
    expect(ownedByManager).toEqual([]);
    expect((await getKey(account.admin, adminKey.id)).name).toBe("Internal Reporting Dashboard");
  });

  it("lets a Manager generate keys as soon as an Administrator grants API access", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: false });
    const body = { name: "Nightly export", permissions: { all: true } };
    expectError(await manager.request("POST", "/console/api/keys", body), 403, "api_access_required");

    const grant = await account.admin.request("POST", `/console/api/users/${manager.userId}/api-access`);
    expect(grant.statusCode, grant.body).toBe(200);

    const created = await manager.request("POST", "/console/api/keys", body);
    expect(created.statusCode, created.body).toBe(201);
    expect((await listKeys(manager)).map((key) => key.name)).toEqual(["Nightly export"]);
  });
});

describe("A key's name", () => {
  it("is trimmed", async () => {
    const account = await createTestAccount(t);
    const response = await account.admin.request("POST", "/console/api/keys", {
      name: "   Internal Reporting Dashboard \t ",
      permissions: { all: true },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect((response.json() as Created).key.name).toBe("Internal Reporting Dashboard");
  });

  it.each([
    ["one character", "a"],
    ["100 characters", "n".repeat(100)],
    ["100 characters once the spaces around it are trimmed", `  ${"n".repeat(100)}  `],
    ["letters from any script and emoji", "Tableau de bord — ventes 📈"],
  ])("accepts %s", async (_label, name) => {
    const account = await createTestAccount(t);
    const response = await account.admin.request("POST", "/console/api/keys", {
      name,
      permissions: { all: true },
    });
    expect(response.statusCode, response.body).toBe(201);
    expect((response.json() as Created).key.name).toBe(name.trim());
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["only spaces", "    "],
    ["101 characters", "n".repeat(101)],
    ["a newline", "Reporting\nDashboard"],
    ["a bell control character", "Reporting\u0007"],
    ["a zero-width format character", "Report\u200bing"],
    ["not a string", 42],
  ])("is refused when %s, naming the field, and nothing is written", async (_label, name) => {
    const account = await createTestAccount(t);
    const before = await countKeysInDatabase(t, account.accountId);
    const response = await account.admin.request("POST", "/console/api/keys", {
      ...(name === undefined ? {} : { name }),
      permissions: { all: true },
    });
    const error = expectError(response, 400, "invalid_request");
    expect(error.message).toMatch(/name/i);
    expect(error.fields?.some((field) => /(^|\.)name$/.test(field))).toBe(true);
    expect(await countKeysInDatabase(t, account.accountId)).toBe(before);
  });
});

describe("A key's permissions", () => {
  it("can be All permissions", async () => {
    const account = await createTestAccount(t);
    const response = await account.admin.request("POST", "/console/api/keys", {
      name: "Everything",
      permissions: { all: true },
    });
    expect(response.statusCode, response.body).toBe(201);
    const { key } = response.json() as Created;
    expect(key.permissions).toEqual({ all: true });
    expect(key.permissionsSummary).toBe("All permissions");
  });

  it("can be chosen sections, each at read or write", async () => {
    const account = await createTestAccount(t);
    const permissions = {
      all: false,
      sections: { reporting: "read", orders: "write", catalog: "read", sellers: "write", payouts: "read" },
    };
    const response = await account.admin.request("POST", "/console/api/keys", { name: "Mixed", permissions });
    expect(response.statusCode, response.body).toBe(201);
    const { key } = response.json() as Created;
    expect(key.permissions).toEqual(permissions);
    expect(key.permissionsSummary).toBe(
      "Reporting (read), Orders (read & write), Catalog (read), Sellers (read & write), Payouts (read)",
    );
  });

  it.each([
    ["an unknown section", { all: false, sections: { invoices: "read" } }, "permissions.sections.invoices"],
    ["write on Payouts, which is read-only", { all: false, sections: { payouts: "write" } }, "payouts"],
    ["write on Reporting, which is read-only", { all: false, sections: { reporting: "write" } }, "reporting"],
    ["no section at all", { all: false, sections: {} }, "permissions"],
    ["an access other than read or write", { all: false, sections: { orders: "admin" } }, "orders"],
    ["All together with sections", { all: true, sections: { orders: "read" } }, "permissions"],
    ["sections without saying all: false", { sections: { orders: "read" } }, "permissions"],
    ["missing", undefined, "permissions"],
  ])("are refused when %s, naming the field, and nothing is written", async (_label, permissions, field) => {
    const account = await createTestAccount(t);
    const before = await countKeysInDatabase(t, account.accountId);
    const response = await account.admin.request("POST", "/console/api/keys", {
      name: "Refused",
      ...(permissions === undefined ? {} : { permissions }),
    });
    const error = expectError(response, 400, "invalid_request");
    expect(error.message).toContain(field);
    expect(error.fields?.some((f) => f.includes(field))).toBe(true);
    expect(await countKeysInDatabase(t, account.accountId)).toBe(before);
  });

  it("names Payouts as read-only when write is asked for", async () => {
    const account = await createTestAccount(t);
    const response = await account.admin.request("POST", "/console/api/keys", {
      name: "Payouts writer",
      permissions: { all: false, sections: { payouts: "write" } },
    });
    const error = expectError(response, 400, "invalid_request");
    expect(error.message).toMatch(/Payouts allows only read/);
  });
});

describe("The create request", () => {
  it.each([
    ["an owner", { owner: "usr_someone_else" }],
    ["a secret of the caller's choosing", { secret: "mpk_000000000000000000000000000000000000" }],
    ["a status", { status: "revoked" }],
  ])("refuses unknown fields such as %s, and nothing is written", async (_label, extra) => {
    const account = await createTestAccount(t);
    const before = await countKeysInDatabase(t, account.accountId);
    const response = await account.admin.request("POST", "/console/api/keys", {
      name: "Extra",
      permissions: { all: true },
      ...extra,
    });
    const error = expectError(response, 400, "invalid_request");
    expect(error.message).toContain(Object.keys(extra)[0]);
    expect(await countKeysInDatabase(t, account.accountId)).toBe(before);
  });
});
