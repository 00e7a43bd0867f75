import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/create-account.js";
import { createUser, insertUser } from "../../src/users/create-user.js";
import { countAuditEventsInDatabase, expectError, listUsers } from "../http/helpers.js";
import { createTestAccount, signIn, type TestAccount, testPassword } from "../support/accounts.js";
import { createTestApp, uniqueEmail } from "../support/test-app.js";
import { comparable } from "./support.js";

const t = await createTestApp();
afterAll(async () => t.close());

const otherPassword = "a-different-passphrase-for-b";

function postSession(payload: Record<string, string>) {
  return t.app.inject({ method: "POST", url: "/console/api/session", payload });
}

/** Adds a Marketplace Manager with this email and password to the account, as its operator would. */
async function addUser(account: TestAccount, email: string, password = testPassword) {
  return createUser(t.ctx, {
    actor: { type: "operator", accountId: account.accountId, ip: null },
    user: { email, name: "Same Email", role: "marketplace_manager", password },
  });
}

function createUserRequest(account: TestAccount, email: string) {
  return account.admin.request("POST", "/console/api/users", {
    email,
    name: "New Colleague",
    role: "marketplace_manager",
    password: testPassword,
  });
}

describe("One email in several accounts", () => {
  it("lets two accounts each have a user with the same email, each in its own account", async () => {
    const a = await createTestAccount(t, "Account A");
    const b = await createTestAccount(t, "Account B");
    const email = uniqueEmail("shared");
    expect((await createUserRequest(a, email)).statusCode).toBe(201);
    expect((await createUserRequest(b, email)).statusCode).toBe(201);
    expect((await listUsers(a.admin)).filter((user) => user.email === email)).toHaveLength(1);
    expect((await listUsers(b.admin)).filter((user) => user.email === email)).toHaveLength(1);
  });

  it("answers creating a user exactly alike whether or not another account has that email", async () => {
    const a = await createTestAccount(t, "Account A");
    const b = await createTestAccount(t, "Account B");
    const takenInB = uniqueEmail("taken-in-b");
    await addUser(b, takenInB);
    const bEvents = await countAuditEventsInDatabase(t, b.accountId);

    const taken = await createUserRequest(a, takenInB);
    const fresh = await createUserRequest(a, uniqueEmail("fresh"));
    expect(taken.statusCode, taken.body).toBe(201);
    expect(comparable(taken)).toEqual(comparable(fresh));
    expect(await countAuditEventsInDatabase(t, b.accountId)).toBe(bEvents);
  });

  it("still refuses a second user with the same email in the same account, naming the field", async () => {
    const a = await createTestAccount(t);
    const email = uniqueEmail("twice");
    await addUser(a, email);
    const before = await listUsers(a.admin);
    const error = expectError(await createUserRequest(a, email.toUpperCase()), 409, "conflict");
    expect(error.message).toMatch(/^email: /);
    expect(await listUsers(a.admin)).toEqual(before);
  });

  it("creates one user when several creations of the same email race, and refuses the others with 409", async () => {
    const a = await createTestAccount(t);
    const email = uniqueEmail("race");
    const racers = 6;
    // PostgreSQL: every transaction is open before any looks, so none can see another's row and the
    // unique index must decide. (SQLite runs write transactions one at a time: BEGIN IMMEDIATE.)
    const isPostgres = t.database.dialect === "postgres";
    let arrived = 0;
    let release = () => {};
    const allOpen = new Promise<void>((resolve) => {
      release = resolve;
    });
    const attempts = Array.from({ length: racers }, () =>
      t.database.db.transaction().execute(async (trx) => {
        if (isPostgres) {
          await sql`select 1`.execute(trx);
          if (++arrived === racers) release();
          await allOpen;
        }
        return insertUser(trx, {
          accountId: a.accountId,
          email,
          name: "Racer",
          role: "marketplace_manager",
          passwordHash: "not-a-real-hash",
        });
      }),
    );
    const results = await Promise.allSettled(attempts);
    const refusals = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
    expect(results.length - refusals.length).toBe(1);
    for (const refusal of refusals) expect(refusal).toMatchObject({ code: "conflict" });
    expect((await listUsers(a.admin)).filter((user) => user.email === email)).toHaveLength(1);
  });

  it("refuses a duplicate within one account in the database itself, whoever inserts it", async () => {
    const a = await createTestAccount(t);
    const row = await t.database.db
      .selectFrom("users")
      .selectAll()
      .where("id", "=", a.admin.userId)
      .executeTakeFirstOrThrow();
    await expect(
      t.database.db
        .insertInto("users")
        .values({ ...row, id: `usr_${"X".repeat(26)}` })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/i);
  });

  it("creates an account whose first Administrator's email is already a user elsewhere", async () => {
    const a = await createTestAccount(t);
    const { administrator } = await createAccount(t.ctx, {
      account: { name: "Second Marketplace", adminEmail: a.admin.email, adminPassword: otherPassword },
      demoSeed: 1,
    });
    expect(administrator.email).toBe(a.admin.email);
    expect(administrator.id).not.toBe(a.admin.userId);
  });
});

describe("Signing in when an email is a user in several accounts", () => {
  it("opens the account whose user the password matches", async () => {
    const a = await createTestAccount(t, "Account A");
    const b = await createTestAccount(t, "Account B");
    const email = uniqueEmail("two-accounts");
    await addUser(a, email, testPassword);
    await addUser(b, email, otherPassword);
    const intoA = await postSession({ email, password: testPassword });
    const intoB = await postSession({ email, password: otherPassword });
    expect(intoA.statusCode, intoA.body).toBe(200);
    expect(intoB.statusCode, intoB.body).toBe(200);
    expect(intoA.json()).toMatchObject({ account: { id: a.accountId } });
    expect(intoB.json()).toMatchObject({ account: { id: b.accountId } });
  });

  it("answers every sign-in exactly alike whether or not another account has the email", async () => {
    const a = await createTestAccount(t, "Account A");
    const b = await createTestAccount(t, "Account B");
    const alone = uniqueEmail("only-in-a");
    const shared = uniqueEmail("in-a-and-b");
    const onlyInB = uniqueEmail("only-in-b");
    await addUser(a, alone);
    await addUser(a, shared);
    await addUser(b, shared, otherPassword);
    await addUser(b, onlyInB, otherPassword);

    const attempts = [
      [
        { email: alone, password: testPassword },
        { email: shared, password: testPassword },
      ],
      [
        { email: alone, password: "wrong-password-entirely" },
        { email: shared, password: "wrong-password-entirely" },
      ],
      [
        { email: uniqueEmail("nowhere"), password: otherPassword },
        { email: onlyInB, password: "wrong-password-x" },
      ],
      [
        { email: alone, password: testPassword, account: a.accountId },
        { email: shared, password: testPassword, account: a.accountId },
      ],
      [
        { email: alone, password: otherPassword, account: "Account A" },
        { email: shared, password: otherPassword, account: "Account A" },
      ],
    ];
    for (const [withoutOther, withOther] of attempts) {
      const expected = comparable(await postSession(withoutOther ?? {}));
      expect(comparable(await postSession(withOther ?? {})), JSON.stringify(withOther)).toEqual(expected);
    }
  });

  it("checks every account's user with one argon2 computation: users sharing an email share a salt", async () => {
    const a = await createTestAccount(t);
    const b = await createTestAccount(t);
    const email = uniqueEmail("one-salt");
    await addUser(a, email, testPassword);
    await addUser(b, email, otherPassword);
    const hashes = await t.database.db
      .selectFrom("users")
      .select("password_hash")
      .where("email", "=", email)
      .execute();
    const saltAndParameters = hashes.map((row) => row.password_hash.split("$").slice(0, 5).join("$"));
    expect(saltAndParameters).toHaveLength(2);
    expect(new Set(saltAndParameters).size).toBe(1);
    expect(hashes[0]?.password_hash).not.toBe(hashes[1]?.password_hash);
  });

  it("asks which account when one email and password open several, and signs in to the one named", async () => {
    const a = await createTestAccount(t, "Account A");
    const b = await createTestAccount(t, "Account B");
    const email = uniqueEmail("same-password");
    await addUser(a, email);
    await addUser(b, email);
    const ambiguous = expectError(
      await postSession({ email, password: testPassword }),
      400,
      "invalid_request",
    );
    expect(ambiguous.fields).toEqual(["account"]);
    expect(ambiguous.message).toContain(a.accountId);
    expect(ambiguous.message).toContain(b.accountId);
    const response = await postSession({ email, password: testPassword, account: b.accountId });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ account: { id: b.accountId } });
  });

  it("tries only the named account's user: another account's password is refused like any wrong one", async () => {
    const a = await createTestAccount(t, "Account A");
    const b = await createTestAccount(t, "Account B");
    const email = uniqueEmail("named");
    await addUser(a, email, testPassword);
    await addUser(b, email, otherPassword);
    const refused = expectError(
      await postSession({ email, password: otherPassword, account: a.accountId }),
      401,
      "invalid_credentials",
    );
    expect(refused.message).toBe("The email or password is incorrect.");
    const byName = await postSession({ email, password: otherPassword, account: "Account B" });
    expect(byName.statusCode, byName.body).toBe(200);
  });

  it("opens the active account when the same user is deactivated in another", async () => {
    const a = await createTestAccount(t);
    const b = await createTestAccount(t);
    const email = uniqueEmail("half-deactivated");
    const inA = await addUser(a, email);
    await addUser(b, email);
    await a.admin.request("POST", `/console/api/users/${inA.id}/deactivate`);
    const response = await postSession({ email, password: testPassword });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ account: { id: b.accountId } });
  });

  it("records a failed sign-in in every account whose user was tried, and nothing in others", async () => {
    const a = await createTestAccount(t);
    const b = await createTestAccount(t);
    const c = await createTestAccount(t);
    const email = uniqueEmail("tried");
    await addUser(a, email);
    await addUser(b, email, otherPassword);
    const before = await Promise.all([a, b, c].map((x) => countAuditEventsInDatabase(t, x.accountId)));
    await postSession({ email, password: "wrong-password-entirely" });
    const after = await Promise.all([a, b, c].map((x) => countAuditEventsInDatabase(t, x.accountId)));
    expect(after).toEqual([(before[0] ?? 0) + 1, (before[1] ?? 0) + 1, before[2]]);
    const session = await signIn(t, email);
    expect(session.accountId).toBe(a.accountId);
  });
});
