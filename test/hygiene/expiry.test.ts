import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  reportingRead,
  requestKey,
  setExpiryInDatabase,
  waitUntilPast,
} from "./support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const createKey = "POST /console/api/keys";
const updateKey = "PATCH /console/api/keys/{id}";
const salesReport = "/api/v1/reports/sales";

/** Asserts an instant lies `offsetMs` after some moment between `before` and now. */
function expectOffset(instant: string | null, before: number, offsetMs: number) {
  const at = Date.parse(instant ?? "");
  expect(at).toBeGreaterThanOrEqual(before + offsetMs);
  expect(at).toBeLessThanOrEqual(Date.now() + offsetMs);
}

describe("Choosing when a key expires", () => {
  it.each([
    ["7d", 7 * dayMs],
    ["30d", 30 * dayMs],
    ["60d", 60 * dayMs],
    ["90d", 90 * dayMs],
    ["12h", 12 * 3_600_000],
    ["90m", 90 * 60_000],
    ["45s", 45_000],
  ])("expires a key generated with expiresIn %s that long after it was made", async (expiresIn, offsetMs) => {
    const { admin } = await createTestAccount(t);
    const before = Date.now();
    const { key } = await generateWith(admin, { expiresIn });
    expectOffset(key.expiresAt, before, offsetMs);
    expect(key.exceedsPolicy).toBe(false);
  });

  it("never expires a key generated with expiresIn never, or with no expiry and no account policy", async () => {
    const { admin } = await createTestAccount(t);
    const never = await generateWith(admin, { expiresIn: "never" });
    const unspecified = await generateWith(admin, {});
    for (const { key } of [never, unspecified]) {
      expect(key).toMatchObject({ expiresAt: null, status: "active" });
    }
  });

  it("expires a key with a custom date at the end of that day (UTC), and with an instant at that instant", async () => {
    const { admin } = await createTestAccount(t);
    const day = new Date(Date.now() + 45 * dayMs).toISOString().slice(0, 10);
    const byDay = await generateWith(admin, { expiresAt: day });
    expect(byDay.key.expiresAt).toBe(`${day}T23:59:59.999Z`);

    const byInstant = await generateWith(admin, { expiresAt: "2031-06-01T12:00:00+02:00" });
    expect(byInstant.key.expiresAt).toBe("2031-06-01T10:00:00.000Z");
  });

  it.each([
    ["a number without a unit", { expiresIn: "30" }, "expiresIn"],
    ["an unknown unit", { expiresIn: "30w" }, "expiresIn"],
    ["a zero duration", { expiresIn: "0d" }, "expiresIn"],
    ["a negative duration", { expiresIn: "-1d" }, "expiresIn"],
    ["a fractional duration", { expiresIn: "1.5d" }, "expiresIn"],
    ["a duration in words", { expiresIn: "30 days" }, "expiresIn"],
    ["a day that does not exist", { expiresAt: "2031-02-30" }, "expiresAt"],
    ["a date in words", { expiresAt: "next tuesday" }, "expiresAt"],
    ["a day in the past", { expiresAt: "2020-01-01" }, "expiresAt"],
    ["an instant in the past", { expiresAt: "2020-01-01T00:00:00Z" }, "expiresAt"],
    ["both a duration and a date", { expiresIn: "30d", expiresAt: "2031-01-01" }, "expiresAt"],
  ])("refuses %s, naming the field, and generates nothing", async (_label, body, field) => {
    const account = await createTestAccount(t);
    const events = await auditCount(t, account.accountId);
    const error = await expectRefused(
      t,
      await requestKey(account.admin, body),
      createKey,
      400,
      "invalid_request",
    );
    expect(error.fields).toEqual([field]);
    expect(error.message).toContain(field);
    expect(await listKeys(account.admin, "status=all")).toEqual([]);
    expect(await auditCount(t, account.accountId)).toBe(events);
  });
});

describe("An expired key", () => {
  it("is refused with 401 expired_api_key on the next request, even while it is cached", async () => {
    const { admin } = await createTestAccount(t);
    const client = integration(t);
    const { secret, key } = await generateWith(admin, { permissions: reportingRead, expiresIn: "2s" });
    // Two requests: the second is answered from the verification cache, which must not outlive the expiry.
    expect((await client.call(secret, salesReport)).statusCode).toBe(200);
    expect((await client.call(secret, salesReport)).statusCode).toBe(200);

    await waitUntilPast(key.expiresAt);
    const reads = t.verifier.outcomes.databaseReads;
    const hits = t.cache.hits;
    const error = await expectRefused(
      t,
      await client.call(secret, salesReport),
      "GET /api/v1/reports/sales",
      401,
      "expired_api_key",
    );
    expect(error.message).toContain(`expired on ${key.expiresAt}`);
    expect(error.message).toMatch(/Generate a new key or roll this one/);
    // Answered from the cache: the expiry instant travels with the cached entry.
    expect(t.cache.hits).toBe(hits + 1);
    expect(t.verifier.outcomes.databaseReads).toBe(reads);
    await expectRefused(
      t,
      await client.call(secret, "/api/v1/key"),
      "GET /api/v1/key",
      401,
      "expired_api_key",
    );
  });

  it("is refused on the next request when its expiry is moved into the past in the database", async () => {
    const { admin } = await createTestAccount(t);
    const client = integration(t);
    const { id, secret } = await generateWith(admin, { expiresIn: "30d" });
    expect((await client.call(secret)).statusCode).toBe(200);

    const yesterday = new Date(Date.now() - dayMs);
    await setExpiryInDatabase(t, id, yesterday);
    const error = await expectRefused(
      t,
      await client.call(secret),
      "GET /api/v1/key",
      401,
      "expired_api_key",
    );
    expect(error.message).toContain(yesterday.toISOString());
  });

  it("keeps working until its expiry: a key expiring in a minute is accepted now", async () => {
    const { admin } = await createTestAccount(t);
    const { secret } = await generateWith(admin, { expiresIn: "1m" });
    const response = await integration(t).call(secret);
    expect(response.statusCode, response.body).toBe(200);
  });
});

describe("Expiry in the key list", () => {
  it("shows each key's status from its expiry, and filters the expiring and the expired", async () => {
    const { admin } = await createTestAccount(t);
    const soon = await generateWith(admin, { name: "Soon", expiresIn: "3d" });
    const later = await generateWith(admin, { name: "Later", expiresIn: "30d" });
    const never = await generateWith(admin, { name: "Never", expiresIn: "never" });
    const past = await generateWith(admin, { name: "Past", expiresIn: "30d" });
    await setExpiryInDatabase(t, past.id, new Date(Date.now() - dayMs));

    const statuses = Object.fromEntries((await listKeys(admin)).map((key) => [key.name, key.status]));
    expect(statuses).toEqual({ Soon: "expiring_soon", Later: "active", Never: "active", Past: "expired" });
    expect((await listKeys(admin, "status=expiring")).map((key) => key.id)).toEqual([soon.id]);
    expect((await listKeys(admin, "status=expired")).map((key) => key.id)).toEqual([past.id]);
    expect((await listKeys(admin, "status=active")).map((key) => key.id).sort()).toEqual(
      [soon.id, later.id, never.id].sort(),
    );
    expect(await getKey(admin, past.id)).toMatchObject({ status: "expired", exceedsPolicy: false });
  });

  it("tells the calling integration its key's expiry and that it expires soon", async () => {
    const { admin } = await createTestAccount(t);
    const soon = await generateWith(admin, { expiresIn: "3d" });
    const later = await generateWith(admin, { expiresIn: "30d" });
    const client = integration(t);
    expect((await client.call(soon.secret)).json()).toMatchObject({
      status: "expiring_soon",
      expiresAt: soon.key.expiresAt,
    });
    expect((await client.call(later.secret)).json()).toMatchObject({
      status: "active",
      expiresAt: later.key.expiresAt,
    });
  });
});

describe("Editing a key's expiry", () => {
  it("extends or shortens it, effective on the next request, with the change in the audit trail", async () => {
    const { admin } = await createTestAccount(t);
    const client = integration(t);
    const { id, secret, key } = await generateWith(admin, { expiresIn: "7d" });
    expect((await client.call(secret)).statusCode).toBe(200);

    const before = Date.now();
    const extended = await editKey(admin, id, { expiresIn: "60d" });
    expect(extended.statusCode, extended.body).toBe(200);
    expectOffset(extended.json().expiresAt, before, 60 * dayMs);
    expect((await client.call(secret)).json()).toMatchObject({ expiresAt: extended.json().expiresAt });

    const shortened = await editKey(admin, id, { expiresIn: "2s" });
    expect(shortened.statusCode, shortened.body).toBe(200);
    expect((await client.call(secret)).statusCode).toBe(200);
    await waitUntilPast(shortened.json().expiresAt);
    await expectRefused(t, await client.call(secret), "GET /api/v1/key", 401, "expired_api_key");

    const [shorten, extend] = await auditOf(admin, "api_key.updated", id);
    expect(extend?.details).toMatchObject({
      before: { expiresAt: key.expiresAt },
      after: { expiresAt: extended.json().expiresAt },
    });
    expect(shorten?.details).toMatchObject({
      before: { expiresAt: extended.json().expiresAt },
      after: { expiresAt: shortened.json().expiresAt },
    });
    expect(extend?.details).not.toHaveProperty("revived");
  });

  it("can make a key never expire when the account has no maximum", async () => {
    const { admin } = await createTestAccount(t);
    const { id } = await generateWith(admin, { expiresIn: "7d" });
    const response = await editKey(admin, id, { expiresIn: "never" });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ expiresAt: null, status: "active" });
  });

  it.each([
    ["an invalid duration", { expiresIn: "soon" }, "expiresIn"],
    ["a day in the past", { expiresAt: "2020-01-01" }, "expiresAt"],
  ])("refuses %s and leaves the key as it was", async (_label, body, field) => {
    const account = await createTestAccount(t);
    const { id, secret } = await generateWith(account.admin, { expiresIn: "7d" });
    const row = await keyRow(t, id);
    const events = await auditCount(t, account.accountId);
    const error = await expectRefused(
      t,
      await editKey(account.admin, id, body),
      updateKey,
      400,
      "invalid_request",
    );
    expect(error.fields).toEqual([field]);
    expect(await keyRow(t, id)).toEqual(row);
    expect(await auditCount(t, account.accountId)).toBe(events);
    expect((await integration(t).call(secret)).statusCode).toBe(200);
  });
});

describe("An expired key edited back to life", () => {
  it("works again, and the audit trail says it was revived", async () => {
    const { admin } = await createTestAccount(t);
    const client = integration(t);
    const { id, secret } = await generateWith(admin, { expiresIn: "30d" });
    const expiredAt = new Date(Date.now() - dayMs);
    await setExpiryInDatabase(t, id, expiredAt);
    await expectRefused(t, await client.call(secret), "GET /api/v1/key", 401, "expired_api_key");

    const revived = await editKey(admin, id, { expiresIn: "30d" });
    expect(revived.statusCode, revived.body).toBe(200);
    expect(revived.json()).toMatchObject({ status: "active" });
    expect((await client.call(secret)).statusCode).toBe(200);
    const [event] = await auditOf(admin, "api_key.updated", id);
    expect(event?.details).toMatchObject({
      revived: true,
      before: { expiresAt: expiredAt.toISOString() },
      after: { expiresAt: revived.json().expiresAt },
    });
  });

  it("is not revived by an edit of its name alone, which the audit trail records as an ordinary edit", async () => {
    const { admin } = await createTestAccount(t);
    const { id, secret } = await generateWith(admin, { expiresIn: "30d" });
    await setExpiryInDatabase(t, id, new Date(Date.now() - dayMs));

    const renamed = await editKey(admin, id, { name: "Still expired" });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json()).toMatchObject({ name: "Still expired", status: "expired" });
    await expectRefused(t, await integration(t).call(secret), "GET /api/v1/key", 401, "expired_api_key");
    const [event] = await auditOf(admin, "api_key.updated", id);
    expect(event?.details).not.toHaveProperty("revived");
  });

  it("is recorded as revived even while its owner is suspended", async () => {
    const account = await createTestAccount(t);
    const manager = await account.addManager({ apiAccess: true });
    const { id } = await generateWith(manager, { expiresIn: "30d" });
    await setExpiryInDatabase(t, id, new Date(Date.now() - dayMs));
    const removed = await account.admin.request("DELETE", `/console/api/users/${manager.userId}/api-access`);
    expect(removed.statusCode, removed.body).toBe(200);

    const revived = await editKey(account.admin, id, { expiresIn: "30d" });
    expect(revived.statusCode, revived.body).toBe(200);
    expect(revived.json()).toMatchObject({ status: "suspended", suspendedReason: "owner_lost_access" });
    const [event] = await auditOf(account.admin, "api_key.updated", id);
    expect(event?.details).toMatchObject({ revived: true });
  });
});
