import { hash } from "@node-rs/argon2";
import { afterAll, describe, expect, it } from "vitest";
import { hashPasswordForEmail, matchPassword, verifyPassword } from "../../src/users/passwords.js";
import { createTestAccount, testPassword } from "../support/accounts.js";
import { createTestApp, uniqueEmail } from "../support/test-app.js";

const t = await createTestApp();
afterAll(async () => t.close());

const saltAndParameters = (passwordHash: string) => passwordHash.split("$").slice(0, 5).join("$");

describe("Password hashes", () => {
  it("stores argon2id, never the password, and verifies it with argon2's own check", async () => {
    const stored = await hashPasswordForEmail(t.database.db, uniqueEmail("new"), testPassword);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored).not.toContain(testPassword);
    expect(await verifyPassword(stored, testPassword)).toBe(true);
    expect(await verifyPassword(stored, `${testPassword}x`)).toBe(false);
  });

  it("gives a new user the salt of the users who already have that email, and a fresh one otherwise", async () => {
    const account = await createTestAccount(t);
    const existing = await t.database.db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", account.admin.userId)
      .executeTakeFirstOrThrow();
    const sibling = await hashPasswordForEmail(t.database.db, account.admin.email, "another-passphrase-here");
    const stranger = await hashPasswordForEmail(
      t.database.db,
      uniqueEmail("stranger"),
      "another-passphrase-here",
    );
    expect(saltAndParameters(sibling)).toBe(saltAndParameters(existing.password_hash));
    expect(saltAndParameters(stranger)).not.toBe(saltAndParameters(existing.password_hash));
  });

  it("tells which of several hashes a password matches, for hashes sharing a salt and for ones that don't", async () => {
    const account = await createTestAccount(t);
    const { password_hash: stored } = await t.database.db
      .selectFrom("users")
      .select("password_hash")
      .where("id", "=", account.admin.userId)
      .executeTakeFirstOrThrow();
    const sibling = await hashPasswordForEmail(t.database.db, account.admin.email, "a-different-passphrase");
    const unrelated = await hash(testPassword);
    const hashes = [stored, sibling, unrelated];
    expect(await matchPassword(hashes, testPassword)).toEqual([true, false, true]);
    expect(await matchPassword(hashes, "a-different-passphrase")).toEqual([false, true, false]);
    expect(await matchPassword(hashes, "nobody-has-this-one")).toEqual([false, false, false]);
  });

  it("matches nothing against no hashes or a malformed one", async () => {
    expect(await matchPassword([], testPassword)).toEqual([]);
    expect(await matchPassword(["not-a-phc-string", "$argon2id$v=19$broken"], testPassword)).toEqual([
      false,
      false,
    ]);
  });
});
