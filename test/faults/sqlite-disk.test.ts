import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestAccount, generateKey, testPassword } from "../support/accounts.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { findHalfMadeKeys } from "./support/fault-database.js";

// A full and a read-only disk, simulated on the app's own SQLite connection: PRAGMA max_page_count just
// above the current size (the next pages can't be allocated: SQLITE_FULL) and PRAGMA query_only
// (SQLITE_READONLY). Keyward must answer 503 service_unavailable, keep serving reads, corrupt nothing and
// recover as soon as the pragma is lifted.
const isEnabled = process.env.KEYWARD_FAULTS === "1";
const totals = { faults: 0, refused: 0, serverErrors: 0 };

describe.runIf(isEnabled && !process.env.KEYWARD_TEST_POSTGRES)("a full or read-only SQLite database", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    console.log(
      `[fault figures] disk: ${totals.faults} full/read-only episodes, ${totals.refused} writes refused with 503, ${totals.serverErrors} other 5xx`,
    );
    await t.close();
  });

  const pragma = (text: string) => sql.raw(`PRAGMA ${text}`).execute(t.database.db);

  async function integrityCheck(): Promise<string> {
    const { rows } = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(t.database.db);
    return rows.map((row) => row.integrity_check).join("; ");
  }

  /** Writes through every kind of console change until one is refused; returns the refusals' statuses. */
  async function writeUntilRefused(
    account: Awaited<ReturnType<typeof createTestAccount>>,
    key: { id: string },
  ) {
    const statuses: number[] = [];
    const codes: string[] = [];
    const attempts = [
      () =>
        account.admin.request("POST", "/console/api/keys", {
          name: "k".repeat(100),
          permissions: { all: true },
        }),
      () => account.admin.request("PATCH", `/console/api/keys/${key.id}`, { name: "n".repeat(100) }),
      () =>
        account.admin.request("POST", "/console/api/users", {
          email: `u-${Math.random().toString(36).slice(2)}@example.test`,
          name: "u".repeat(100),
          role: "marketplace_manager",
          password: "a-long-enough-password",
        }),
    ];
    for (let i = 0; i < 400; i++) {
      const attempt = attempts[i % attempts.length];
      if (!attempt) break;
      const response = await attempt();
      if (response.statusCode < 300) continue;
      statuses.push(response.statusCode);
      codes.push((response.json() as { error: { code: string } }).error.code);
      if (statuses.length >= 6) break;
    }
    return { statuses, codes };
  }

  it("answers 503 service_unavailable when the disk is full, corrupts nothing, and recovers", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    const { rows } = await sql<{ page_count: number }>`PRAGMA page_count`.execute(t.database.db);
    await pragma(`max_page_count = ${(rows[0]?.page_count ?? 0) + 2}`);
    totals.faults++;
    let refusals: Awaited<ReturnType<typeof writeUntilRefused>>;
    try {
      refusals = await writeUntilRefused(account, key);
      const read = await account.admin.request("GET", "/console/api/keys");
      expect(read.statusCode).toBe(200);
      expect(
        (
          await t.app.inject({
            method: "GET",
            url: "/api/v1/key",
            headers: { authorization: `Bearer ${key.secret}` },
          })
        ).statusCode,
      ).toBe(200);
    } finally {
      await pragma("max_page_count = 1073741823");
    }
    totals.refused += refusals.codes.filter((code) => code === "service_unavailable").length;
    totals.serverErrors += refusals.statuses.filter((status) => status >= 500 && status !== 503).length;
    expect(refusals.statuses.length).toBeGreaterThan(0);
    // Soft: the checks below (no corruption, recovery) must run and report even when the status is wrong.
    expect
      .soft(refusals.codes, "every write refused on a full disk")
      .toEqual(refusals.codes.map(() => "service_unavailable"));
    expect(await integrityCheck()).toBe("ok");
    expect(await findHalfMadeKeys(t.database, account.accountId)).toEqual([]);
    const after = await account.admin.request("POST", "/console/api/keys", {
      name: "After the disk was freed",
      permissions: { all: true },
    });
    expect(after.statusCode).toBe(201);
  });

  it("answers 503 service_unavailable when the database is read-only, keeps serving reads, and recovers", async () => {
    const account = await createTestAccount(t);
    const key = await generateKey(account.admin);
    await pragma("query_only = 1");
    totals.faults++;
    const answers: number[] = [];
    try {
      const writes = [
        account.admin.request("POST", "/console/api/keys", { name: "Read-only", permissions: { all: true } }),
        account.admin.request("PATCH", `/console/api/keys/${key.id}`, { name: "Renamed" }),
        account.admin.request("POST", `/console/api/keys/${key.id}/revoke`),
        // Signing in writes a session and an audit event.
        t.app.inject({
          method: "POST",
          url: "/console/api/session",
          payload: { email: account.admin.email, password: testPassword },
        }),
      ];
      for (const response of await Promise.all(writes)) {
        answers.push(response.statusCode);
        expect(response.statusCode, response.body).toBe(503);
        expect((response.json() as { error: { code: string } }).error.code).toBe("service_unavailable");
      }
      expect((await account.admin.request("GET", `/console/api/keys/${key.id}`)).statusCode).toBe(200);
      expect(
        (
          await t.app.inject({
            method: "GET",
            url: "/api/v1/key",
            headers: { authorization: `Bearer ${key.secret}` },
          })
        ).statusCode,
      ).toBe(200);
      expect((await t.app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    } finally {
      await pragma("query_only = 0");
    }
    totals.refused += answers.filter((status) => status === 503).length;
    expect(await integrityCheck()).toBe("ok");
    expect(await findHalfMadeKeys(t.database, account.accountId)).toEqual([]);
    const revoke = await account.admin.request("POST", `/console/api/keys/${key.id}/revoke`);
    expect(revoke.statusCode).toBe(200);
    expect(
      (
        await t.app.inject({
          method: "GET",
          url: "/api/v1/key",
          headers: { authorization: `Bearer ${key.secret}` },
        })
      ).statusCode,
    ).toBe(401);
  });
});
