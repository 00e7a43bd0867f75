import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashAuditEvent, toExportedEvent, withoutHash } from "../../src/audit/audit-chain.js";
import { verifyAuditChain } from "../../src/audit/verify-audit-chain.js";
import { createTestAccount, generateKey } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

/** An account with a few events: created, signed in, a key generated, edited and revoked. */
async function accountWithEvents() {
  const account = await createTestAccount(t);
  const key = await generateKey(account.admin);
  await account.admin.request("PATCH", `/console/api/keys/${key.id}`, { name: "Renamed" });
  await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
  return account.accountId;
}

async function chainRows(accountId: string) {
  return t.database.db
    .selectFrom("audit_events")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("seq")
    .execute();
}

async function rowAt(accountId: string, seq: number) {
  const row = (await chainRows(accountId)).find((candidate) => candidate.seq === seq);
  if (!row) throw new Error(`no event at seq ${seq}`);
  return row;
}

const verify = (accountId: string, expectedHead?: { seq: number; hash: string }) =>
  verifyAuditChain(t.database.db, { accountId, expectedHead });

describe("The audit trail's hash chain", () => {
  it("chains every event of an account to the one before it, from seq 1, each account on its own", async () => {
    const first = await accountWithEvents();
    const second = await accountWithEvents();
    for (const accountId of [first, second]) {
      const rows = await chainRows(accountId);
      expect(rows.map((row) => row.seq)).toEqual(rows.map((_, index) => index + 1));
      rows.forEach((row, index) => {
        expect(row.prev_hash).toBe(index === 0 ? null : rows[index - 1]?.hash);
        expect(row.hash).toBe(hashAuditEvent(withoutHash(toExportedEvent(row))));
      });
    }
  });

  it("verifies an untouched chain and reports its head", async () => {
    const accountId = await accountWithEvents();
    const rows = await chainRows(accountId);
    const last = rows.at(-1);
    expect(await verify(accountId)).toEqual({
      isIntact: true,
      events: rows.length,
      head: { seq: last?.seq, hash: last?.hash },
    });
  });

  it("names the event whose row was edited, whichever hashed field was changed", async () => {
    const edits = {
      actor_label: "someone-else@example.test",
      actor_user_id: "usr_forged",
      action: "api_key.revoked",
      target_id: "key_forged",
      target_type: "account",
      ip: "203.0.113.9",
      details: '{"name":"Forged"}',
      created_at: "2020-01-01T00:00:00.000Z",
      id: "evt_forged",
    } as const;
    for (const [column, value] of Object.entries(edits)) {
      const accountId = await accountWithEvents();
      const target = await rowAt(accountId, 3);
      await t.database.db
        .updateTable("audit_events")
        .set({ [column]: value })
        .where("id", "=", target.id)
        .execute();
      const result = await verify(accountId);
      expect(result, column).toMatchObject({
        isIntact: false,
        events: 2,
        broken: {
          id: column === "id" ? "evt_forged" : target.id,
          seq: 3,
          reason: expect.stringMatching(/changed/),
        },
      });
    }
  });

  it("names the event after a deleted row", async () => {
    const accountId = await accountWithEvents();
    const deleted = await rowAt(accountId, 2);
    const next = await rowAt(accountId, 3);
    await t.database.db.deleteFrom("audit_events").where("id", "=", deleted.id).execute();
    expect(await verify(accountId)).toMatchObject({
      isIntact: false,
      events: 1,
      broken: { id: next.id, seq: 3, reason: expect.stringMatching(/removed/) },
    });
  });

  it("names the first of two events whose places were swapped", async () => {
    const accountId = await accountWithEvents();
    const [second, third] = [await rowAt(accountId, 2), await rowAt(accountId, 3)];
    // Through a free place, as the unique (account_id, seq) index requires.
    const move = (id: string, seq: number) =>
      t.database.db.updateTable("audit_events").set({ seq }).where("id", "=", id).execute();
    await move(second.id, 1_000_000);
    await move(third.id, 2);
    await move(second.id, 3);
    expect(await verify(accountId)).toMatchObject({
      isIntact: false,
      events: 1,
      broken: { id: third.id, seq: 2, reason: expect.stringMatching(/does not follow/) },
    });
  });

  it("catches events cut from the end and a recomputed chain against a head recorded earlier", async () => {
    const accountId = await accountWithEvents();
    const recorded = await verify(accountId);
    if (!recorded.isIntact || !recorded.head) throw new Error("expected an intact chain with a head");
    const head = recorded.head;

    // Cutting the last event leaves a consistent chain: only the recorded head shows the loss.
    await t.database.db.deleteFrom("audit_events").where("hash", "=", head.hash).execute();
    expect(await verify(accountId)).toMatchObject({ isIntact: true, events: head.seq - 1 });
    expect(await verify(accountId, head)).toMatchObject({
      isIntact: false,
      broken: { id: null, seq: head.seq, reason: expect.stringMatching(/removed from its end/) },
    });

    // An attacker who edits event 2 and recomputes every hash after it: consistent, but not the head.
    const rewritten = await accountWithEvents();
    const before = await verify(rewritten);
    if (!before.isIntact || !before.head) throw new Error("expected an intact chain with a head");
    await t.database.db
      .updateTable("audit_events")
      .set({ actor_label: "nobody" })
      .where("account_id", "=", rewritten)
      .where("seq", "=", 2)
      .execute();
    let prevHash: string | null = null;
    for (const row of await chainRows(rewritten)) {
      const hash = hashAuditEvent(withoutHash(toExportedEvent({ ...row, prev_hash: prevHash })));
      await t.database.db
        .updateTable("audit_events")
        .set({ prev_hash: prevHash, hash })
        .where("id", "=", row.id)
        .execute();
      prevHash = hash;
    }
    expect(await verify(rewritten)).toMatchObject({ isIntact: true });
    expect(await verify(rewritten, before.head)).toMatchObject({
      isIntact: false,
      broken: { seq: before.head.seq, reason: expect.stringMatching(/rewritten/) },
    });
  });

  it("refuses a second event at a place already taken, even from a writer that skipped the lock", async () => {
    const accountId = await accountWithEvents();
    const taken = await rowAt(accountId, 2);
    await expect(
      t.database.db
        .insertInto("audit_events")
        .values({ ...taken, id: "evt_fork", actor_label: "fork" })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/i);
    expect(await verify(accountId)).toMatchObject({ isIntact: true });
  });

  it("keeps one unbroken chain when many changes of one account are made at once", async () => {
    const account = await createTestAccount(t);
    const responses = await Promise.all(
      Array.from({ length: 24 }, (_, index) =>
        account.admin.request("POST", "/console/api/keys", {
          name: `Key ${index}`,
          permissions: { all: true },
        }),
      ),
    );
    expect(responses.map((response) => response.statusCode)).toEqual(responses.map(() => 201));
    const rows = await chainRows(account.accountId);
    expect(await verify(account.accountId)).toEqual({
      isIntact: true,
      events: rows.length,
      head: { seq: rows.length, hash: rows.at(-1)?.hash },
    });
  });
});
