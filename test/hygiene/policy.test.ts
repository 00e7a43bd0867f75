import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsoleClient } from "../support/accounts.js";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import {
  auditCount,
  auditOf,
  dayMs,
  editKey,
  expectRefused,
  generateWith,
  getKey,
  integration,
  keyRow,
  listKeys,
  requestKey,
} from "./support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const setPolicy = "PATCH /console/api/account/policy";
const createKey = "POST /console/api/keys";
const updateKey = "PATCH /console/api/keys/{id}";

function patchPolicy(client: ConsoleClient, body: Record<string, unknown>) {
  return client.request("PATCH", "/console/api/account/policy", body);
}

async function readPolicy(client: ConsoleClient) {
  const response = await client.request("GET", "/console/api/account/policy");
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    maxKeyLifetime: string | null;
    defaultKeyLifetime: string | null;
    defaultRateLimit: string | null;
  };
}

/** An account whose Administrator set a 90-day maximum and a 30-day default. */
async function accountWithPolicy() {
  const account = await createTestAccount(t);
  const response = await patchPolicy(account.admin, { maxKeyLifetime: "90d", defaultKeyLifetime: "30d" });
  expect(response.statusCode, response.body).toBe(200);
  return account;
}

describe("The account's key policy", () => {
  it("has no maximum and a default of never until an Administrator sets one", async () => {
    const { admin } = await createTestAccount(t);
    expect(await readPolicy(admin)).toEqual({
      maxKeyLifetime: null,
      defaultKeyLifetime: null,
      defaultRateLimit: null,
    });
  });

  it("is set by an Administrator, audited with before and after, and gives new keys its default", async () => {
    const { admin } = await createTestAccount(t);
    const response = await patchPolicy(admin, { maxKeyLifetime: "90d", defaultKeyLifetime: "30d" });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      maxKeyLifetime: "90d",
      defaultKeyLifetime: "30d",
      defaultRateLimit: null,
    });
    expect(await readPolicy(admin)).toEqual({
      maxKeyLifetime: "90d",
      defaultKeyLifetime: "30d",
      defaultRateLimit: null,
    });
    const [event] = await auditOf(admin, "account.policy_updated", admin.accountId);
    expect(event?.details).toEqual({
      before: { maxKeyLifetime: null, defaultKeyLifetime: null, defaultRateLimit: null },
      after: { maxKeyLifetime: "90d", defaultKeyLifetime: "30d", defaultRateLimit: null },
    });

    const before = Date.now();
    const { key } = await generateWith(admin, {});
    const expiresAt = Date.parse(key.expiresAt ?? "");
    expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * dayMs);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * dayMs);
  });

  it("writes durations back in their largest whole unit and changes only the fields sent", async () => {
    const { admin } = await createTestAccount(t);
    const set = await patchPolicy(admin, { maxKeyLifetime: "2160h", defaultKeyLifetime: "1440m" });
    expect(set.json()).toEqual({ maxKeyLifetime: "90d", defaultKeyLifetime: "1d", defaultRateLimit: null });
    const lowered = await patchPolicy(admin, { defaultKeyLifetime: "7d" });
    expect(lowered.statusCode, lowered.body).toBe(200);
    expect(lowered.json()).toEqual({
      maxKeyLifetime: "90d",
      defaultKeyLifetime: "7d",
      defaultRateLimit: null,
    });
  });

  it("takes a maximum of up to ten years", async () => {
    const { admin } = await createTestAccount(t);
    const response = await patchPolicy(admin, { maxKeyLifetime: "3650d", defaultKeyLifetime: "3650d" });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      maxKeyLifetime: "3650d",
      defaultKeyLifetime: "3650d",
      defaultRateLimit: null,
    });
  });

  it("can be read by a Manager with API access (the dialog offers its default), but not set", async () => {
    const account = await accountWithPolicy();
    const manager = await account.addManager({ apiAccess: true });
    expect(await readPolicy(manager)).toEqual({
      maxKeyLifetime: "90d",
      defaultKeyLifetime: "30d",
      defaultRateLimit: null,
    });
    const events = await auditCount(t, account.accountId);

    const error = await expectRefused(
      t,
      await patchPolicy(manager, { maxKeyLifetime: "none", defaultKeyLifetime: "none" }),
      setPolicy,
      403,
      "administrator_required",
    );
    expect(error.message).toMatch(/Administrator/);
    expect(await readPolicy(account.admin)).toEqual({
      maxKeyLifetime: "90d",
      defaultKeyLifetime: "30d",
      defaultRateLimit: null,
    });
    expect(await auditCount(t, account.accountId)).toBe(events);
  });

  it("is hidden from a Manager without API access", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: false });
    await expectRefused(
      t,
      await manager.request("GET", "/console/api/account/policy"),
      "GET /console/api/account/policy",
      403,
      "api_access_required",
    );
  });

  it.each([
    [
      "a default longer than the maximum",
      { maxKeyLifetime: "30d", defaultKeyLifetime: "60d" },
      "defaultKeyLifetime",
    ],
    [
      "a default of never under a maximum",
      { maxKeyLifetime: "30d", defaultKeyLifetime: "none" },
      "defaultKeyLifetime",
    ],
    ["a maximum below the current default", { maxKeyLifetime: "7d" }, "defaultKeyLifetime"],
    ["a maximum that is not a duration", { maxKeyLifetime: "90 days" }, "maxKeyLifetime"],
    ["a default that is not a duration", { defaultKeyLifetime: "soon" }, "defaultKeyLifetime"],
    ["a zero maximum", { maxKeyLifetime: "0d" }, "maxKeyLifetime"],
    ["a maximum over ten years", { maxKeyLifetime: "30000d", defaultKeyLifetime: "30d" }, "maxKeyLifetime"],
    [
      "a default over ten years",
      { maxKeyLifetime: "none", defaultKeyLifetime: "3651d" },
      "defaultKeyLifetime",
    ],
    ["an empty change", {}, "body"],
    ["an unknown field", { maxKeyLifetime: "30d", minKeyLifetime: "1d" }, "minKeyLifetime"],
  ])("refuses %s, naming the field, and keeps the policy", async (_label, body, field) => {
    const account = await accountWithPolicy();
    const events = await auditCount(t, account.accountId);
    const error = await expectRefused(
      t,
      await patchPolicy(account.admin, body),
      setPolicy,
      400,
      "invalid_request",
    );
    expect(error.message).toContain(field);
    expect(await readPolicy(account.admin)).toEqual({
      maxKeyLifetime: "90d",
      defaultKeyLifetime: "30d",
      defaultRateLimit: null,
    });
    expect(await auditCount(t, account.accountId)).toBe(events);
  });

  it("belongs to one account: another account's keys may still never expire", async () => {
    await accountWithPolicy();
    const other = await createTestAccount(t);
    const { key } = await generateWith(other.admin, { expiresIn: "never" });
    expect(key.expiresAt).toBeNull();
  });
});

describe("A maximum key lifetime", () => {
  it.each([
    ["a longer duration", { expiresIn: "91d" }, "expiresIn"],
    ["never", { expiresIn: "never" }, "expiresIn"],
    [
      "a later day",
      { expiresAt: new Date(Date.now() + 200 * dayMs).toISOString().slice(0, 10) },
      "expiresAt",
    ],
  ])("refuses a key generated with %s, with a message naming the maximum", async (_label, body, field) => {
    const account = await accountWithPolicy();
    const events = await auditCount(t, account.accountId);
    const error = await expectRefused(
      t,
      await requestKey(account.admin, body),
      createKey,
      400,
      "invalid_request",
    );
    expect(error.fields).toEqual([field]);
    expect(error.message).toContain("at most 90d");
    expect(await listKeys(account.admin, "status=all")).toEqual([]);
    expect(await auditCount(t, account.accountId)).toBe(events);
  });

  it("accepts a key that lives exactly the maximum", async () => {
    const { admin } = await accountWithPolicy();
    const { key } = await generateWith(admin, { expiresIn: "90d" });
    expect(key.exceedsPolicy).toBe(false);
  });

  it("refuses an edit past the maximum, naming it, and leaves the key unchanged", async () => {
    const account = await accountWithPolicy();
    const { id, secret } = await generateWith(account.admin, { expiresIn: "30d" });
    const row = await keyRow(t, id);
    for (const body of [{ expiresIn: "120d" }, { expiresIn: "never" }]) {
      const error = await expectRefused(
        t,
        await editKey(account.admin, id, body),
        updateKey,
        400,
        "invalid_request",
      );
      expect(error.message).toContain("at most 90d");
    }
    expect(await keyRow(t, id)).toEqual(row);
    expect((await integration(t).call(secret)).statusCode).toBe(200);
  });

  it("when lowered, keeps longer-lived keys working and flags them in the list", async () => {
    const { admin } = await createTestAccount(t);
    const forever = await generateWith(admin, { name: "Forever", expiresIn: "never" });
    const long = await generateWith(admin, { name: "Long", expiresIn: "60d" });
    const short = await generateWith(admin, { name: "Short", expiresIn: "7d" });
    const lowered = await patchPolicy(admin, { maxKeyLifetime: "30d", defaultKeyLifetime: "30d" });
    expect(lowered.statusCode, lowered.body).toBe(200);

    const flagged = Object.fromEntries((await listKeys(admin)).map((key) => [key.name, key.exceedsPolicy]));
    expect(flagged).toEqual({ Forever: true, Long: true, Short: false });
    const client = integration(t);
    for (const key of [forever, long, short]) expect((await client.call(key.secret)).statusCode).toBe(200);

    // Shortening a flagged key within the maximum clears the flag.
    const shortened = await editKey(admin, long.id, { expiresIn: "30d" });
    expect(shortened.statusCode, shortened.body).toBe(200);
    expect(shortened.json()).toMatchObject({ exceedsPolicy: false });

    const removed = await patchPolicy(admin, { maxKeyLifetime: "none" });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await getKey(admin, forever.id)).exceedsPolicy).toBe(false);
  });
});
