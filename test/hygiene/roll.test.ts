import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callWithKey } from "../hardening/support/requests.js";
import { createTestAccount } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import {
  auditCount,
  auditOf,
  expectRefused,
  generateWith,
  getKey,
  integration,
  keyRow,
  reportingRead,
  rollKey,
  rollOk,
  waitUntilPast,
} from "./support.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const roll = "POST /console/api/keys/{id}/roll";
const callingKey = "GET /api/v1/key";
const hourMs = 3_600_000;

describe("Rolling a key", () => {
  it("keeps its id, name, permissions, allowlist and history, and shows the new secret once", async () => {
    const { admin } = await createTestAccount(t);
    const created = await generateWith(admin, {
      name: "Nightly export",
      permissions: reportingRead,
      allowedIps: ["127.0.0.0/24"],
    });
    const before = Date.now();
    const response = await rollKey(admin, created.id, "1h");
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-store");
    const { key, secret } = response.json() as Awaited<ReturnType<typeof rollOk>>;

    expect(secret).toMatch(/^mpk_[0-9A-Za-z]{36}$/);
    expect(secret).not.toBe(created.secret);
    expect(key).toMatchObject({
      id: created.id,
      name: "Nightly export",
      permissions: reportingRead,
      allowedIps: ["127.0.0.0/24"],
      createdAt: created.key.createdAt,
      hint: `mpk_…${secret.slice(-4)}`,
      previousKeyHint: created.key.hint,
      status: "rolled",
    });
    expect(Date.parse(key.rolledAt ?? "")).toBeGreaterThanOrEqual(before - 1000);
    const validUntil = Date.parse(key.previousKeyValidUntil ?? "");
    expect(validUntil).toBeGreaterThanOrEqual(before + hourMs);
    expect(validUntil).toBeLessThanOrEqual(Date.now() + hourMs);

    // Shown once: no later read carries it.
    const read = await admin.request("GET", `/console/api/keys/${created.id}`);
    expect(read.body).not.toContain(secret);
    // The allowlist applies to the new secret too.
    expect((await callWithKey(t, secret, "/api/v1/reports/sales", { ip: "127.0.0.8" })).statusCode).toBe(200);
    await expectRefused(
      t,
      await callWithKey(t, secret, "/api/v1/reports/sales", { ip: "192.0.2.8" }),
      "GET /api/v1/reports/sales",
      403,
      "ip_not_allowed",
    );
    // Its history is the same key's: the generation event still names it.
    expect(await auditOf(admin, "api_key.created", created.id)).toHaveLength(1);
  });

  it("is audited with the old and new hints and when the old secret stops, never a secret", async () => {
    const { admin } = await createTestAccount(t);
    const created = await generateWith(admin, { name: "Audited roll" });
    const { key, secret } = await rollOk(admin, created.id, "24h");
    const [event] = await auditOf(admin, "api_key.rolled", created.id);
    expect(event).toMatchObject({ actor: { id: admin.userId } });
    expect(event?.details).toMatchObject({
      name: "Audited roll",
      before: { hint: created.key.hint },
      after: { hint: key.hint },
      oldSecretValidUntil: key.previousKeyValidUntil,
    });
    expect(JSON.stringify(event)).not.toContain(secret);
    expect(JSON.stringify(event)).not.toContain(created.secret);
  });

  it("accepts the old secret during the grace period and refuses it after with rolled_api_key, while the new one works", async () => {
    const { admin } = await createTestAccount(t);
    const client = integration(t);
    const created = await generateWith(admin, { permissions: reportingRead });
    // Cached before the roll: the roll must reach the cached entry.
    expect((await client.call(created.secret)).statusCode).toBe(200);
    expect((await client.call(created.secret)).statusCode).toBe(200);

    const { key, secret } = await rollOk(admin, created.id, "2s");
    const old = await client.call(created.secret);
    expect(old.statusCode, old.body).toBe(200);
    expect(old.json()).toMatchObject({
      id: created.id,
      status: "rolled",
      secretValidUntil: key.previousKeyValidUntil,
    });
    expect((await client.call(secret)).json()).toMatchObject({
      id: created.id,
      status: "active",
      secretValidUntil: null,
    });
    expect((await client.call(created.secret, "/api/v1/reports/sales")).statusCode).toBe(200);

    await waitUntilPast(key.previousKeyValidUntil);
    const error = await expectRefused(
      t,
      await client.call(created.secret),
      callingKey,
      401,
      "rolled_api_key",
    );
    expect(error.message).toMatch(/newer secret/);
    expect(error.message).not.toContain(secret);
    await expectRefused(
      t,
      await client.call(created.secret, "/api/v1/reports/sales"),
      "GET /api/v1/reports/sales",
      401,
      "rolled_api_key",
    );
    expect((await client.call(secret, "/api/v1/reports/sales")).statusCode).toBe(200);
    expect(await getKey(admin, created.id)).toMatchObject({
      status: "active",
      previousKeyHint: null,
      previousKeyValidUntil: null,
    });
  });

  it.each([
    ["0", "0"],
    ["no grace period at all", undefined],
  ])(
    "with a grace of %s, refuses the old secret on the very next request with rolled_api_key",
    async (_label, grace) => {
      const { admin } = await createTestAccount(t);
      const client = integration(t);
      const created = await generateWith(admin, {});
      expect((await client.call(created.secret)).statusCode).toBe(200);

      const { key, secret } = await rollOk(admin, created.id, grace);
      expect(key).toMatchObject({ status: "active", previousKeyHint: null, previousKeyValidUntil: null });
      await expectRefused(t, await client.call(created.secret), callingKey, 401, "rolled_api_key");
      expect((await client.call(secret)).statusCode).toBe(200);
      const [event] = await auditOf(admin, "api_key.rolled", created.id);
      expect(Date.parse(String(event?.details.oldSecretValidUntil))).toBeLessThanOrEqual(Date.now());
    },
  );

  it("during a grace period ends the previous grace: only the secret just replaced keeps working", async () => {
    const { admin } = await createTestAccount(t);
    const client = integration(t);
    const created = await generateWith(admin, {});
    const first = await rollOk(admin, created.id, "1h");
    expect((await client.call(created.secret)).statusCode).toBe(200);

    const second = await rollOk(admin, created.id, "1h");
    const refused = await client.call(created.secret);
    // Only the secret replaced last is remembered; the one before it is no longer any key's.
    expect(refused.statusCode, refused.body).toBe(401);
    expect(["rolled_api_key", "invalid_api_key"]).toContain(refused.json().error.code);
    expect((await client.call(first.secret)).json()).toMatchObject({ status: "rolled" });
    expect((await client.call(second.secret)).json()).toMatchObject({ status: "active" });
    expect(second.key.previousKeyHint).toBe(first.key.hint);
    const [event] = await auditOf(admin, "api_key.rolled", created.id);
    expect(event?.details).toMatchObject({ earlierGraceEnded: created.key.hint });
  });

  it("gives an old secret in grace no way around a revocation: both secrets are refused on the next request", async () => {
    const { admin } = await createTestAccount(t);
    const client = integration(t);
    const created = await generateWith(admin, {});
    const { secret } = await rollOk(admin, created.id, "7d");
    for (const each of [created.secret, secret, created.secret, secret]) {
      expect((await client.call(each)).statusCode).toBe(200);
    }
    const revoked = await admin.request("POST", `/console/api/keys/${created.id}/revoke`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    for (const each of [created.secret, secret]) {
      await expectRefused(t, await client.call(each), callingKey, 401, "revoked_api_key");
    }
  });

  it("ends an old secret's grace when the key expires first", async () => {
    const { admin } = await createTestAccount(t);
    const client = integration(t);
    const created = await generateWith(admin, { expiresIn: "3s" });
    const { key, secret } = await rollOk(admin, created.id, "7d");
    expect(key.expiresAt).toBe(created.key.expiresAt);
    expect((await client.call(created.secret)).statusCode).toBe(200);
    await waitUntilPast(created.key.expiresAt);
    await expectRefused(t, await client.call(created.secret), callingKey, 401, "expired_api_key");
    await expectRefused(t, await client.call(secret), callingKey, 401, "expired_api_key");
  });

  it.each([
    ["longer than 7 days", "8d"],
    ["not a duration", "forever"],
    ["negative", "-1h"],
    ["fractional", "1.5h"],
  ])("refuses a grace period %s, naming it, and leaves the key as it was", async (_label, grace) => {
    const account = await createTestAccount(t);
    const created = await generateWith(account.admin, {});
    const row = await keyRow(t, created.id);
    const events = await auditCount(t, account.accountId);
    const error = await expectRefused(
      t,
      await rollKey(account.admin, created.id, grace),
      roll,
      400,
      "invalid_request",
    );
    expect(error.fields).toEqual(["grace"]);
    expect(await keyRow(t, created.id)).toEqual(row);
    expect(await auditCount(t, account.accountId)).toBe(events);
    expect((await integration(t).call(created.secret)).statusCode).toBe(200);
  });
});
