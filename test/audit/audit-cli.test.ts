import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/create-account.js";
import type { Context } from "../../src/context.js";
import type { Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { openDatabase } from "../../src/db/open-database.js";
import { createKey } from "../../src/keys/create-key.js";
import { revokeKey } from "../../src/keys/revoke-key.js";
import { noLocalCache } from "../../src/keys/verification/verification-changes.js";
import { findUserByEmail } from "../../src/users/list-users.js";
import { actorForUser } from "../../src/users/user-view.js";
import { expectRefused, expectSucceeded } from "../cli/cli-database.js";
import { testPassword } from "../support/accounts.js";
import { jsonOutput, runCli } from "../support/cli.js";
import { tempDir, uniqueEmail } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";

let database: Database;
let url: string;
let drop: () => Promise<void>;
const files = tempDir();

beforeAll(async () => {
  const created = await createTestDatabaseUrl();
  ({ url, drop } = created);
  database = await openDatabase(url);
  await migrateToLatest(database);
});

afterAll(async () => {
  await database.close();
  await drop();
  files.remove();
});

const ctx = (): Context => ({ db: database.db, changes: noLocalCache });
const cli = (...args: string[]) => runCli(url, args);

/** An account with four events: created, two keys created, one revoked. Answers its id. */
async function seedAccount(): Promise<string> {
  const email = uniqueEmail("admin");
  const { account } = await createAccount(ctx(), {
    account: { name: `Audit ${email.split("@")[0]}`, adminEmail: email, adminPassword: testPassword },
    demoSeed: 3,
  });
  const actor = actorForUser((await findUserByEmail(database.db, email))!, null);
  const first = await createKey(ctx(), { actor, name: "Nightly export", permissions: { all: true } });
  await createKey(ctx(), { actor, name: "Dashboard", permissions: { all: true } });
  await revokeKey(ctx(), { actor, keyId: first.key.id });
  return account.id;
}

async function eventAt(accountId: string, seq: number) {
  return database.db
    .selectFrom("audit_events")
    .selectAll()
    .where("account_id", "=", accountId)
    .where("seq", "=", seq)
    .executeTakeFirstOrThrow();
}

interface Verified {
  isIntact: boolean;
  events: number;
  head?: { seq: number; hash: string };
  broken?: { id: string | null; seq: number; reason: string };
}

/** The verification snippet exactly as docs/security.md prints it, saved as a file Node can run. */
function snippetFromDocs(): string {
  const docs = readFileSync(new URL("../../docs/security.md", import.meta.url), "utf8");
  const match = /<!-- verify-audit\.mjs[^>]*-->\n```js\n([\s\S]*?)```/.exec(docs);
  if (!match?.[1]) throw new Error("docs/security.md has no verify-audit.mjs block");
  const path = join(files.path, "verify-audit.mjs");
  writeFileSync(path, match[1]);
  return path;
}

function runNode(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, (error, stdout, stderr) => {
      resolve({ exitCode: error === null ? 0 : Number(error.code ?? -1), stdout, stderr });
    });
  });
}

describe("keyward audit verify", { timeout: 90_000 }, () => {
  it("exits 0 with a one-line summary naming the count and the head when the chain is intact", async () => {
    const accountId = await seedAccount();
    const last = await eventAt(accountId, 4);
    const [text, json] = await Promise.all([
      cli("audit", "verify", "--account", accountId),
      cli("audit", "verify", "--account", accountId, "--json"),
    ]);
    expectSucceeded(text);
    expect(text.stdout).toBe(
      `Intact: the audit trail of ${await findAccountName(accountId)} (${accountId}), 4 events, head 4:${last.hash}\n`,
    );
    expectSucceeded(json);
    expect(jsonOutput<Verified>(json)).toMatchObject({
      isIntact: true,
      events: 4,
      head: { seq: 4, hash: last.hash },
    });
  });

  it("exits 1 naming the first broken event by id and seq, in text and with --json", async () => {
    const accountId = await seedAccount();
    const edited = await eventAt(accountId, 2);
    await database.db
      .updateTable("audit_events")
      .set({ details: JSON.stringify({ after: { name: "Harmless" } }) })
      .where("id", "=", edited.id)
      .execute();

    const [text, json] = await Promise.all([
      cli("audit", "verify", "--account", accountId),
      cli("audit", "verify", "--account", accountId, "--json"),
    ]);
    expectRefused(text, new RegExp(`broken at event ${edited.id} \\(seq 2\\): .*changed`));
    expect(text.stdout).toBe("");
    expect(json.exitCode).toBe(1);
    expect(jsonOutput<Verified>(json)).toMatchObject({
      isIntact: false,
      events: 1,
      broken: { id: edited.id, seq: 2 },
    });
  });

  it("fails with --head once events were cut from the end after that head was recorded", async () => {
    const accountId = await seedAccount();
    const { head } = jsonOutput<Verified>(await cli("audit", "verify", "--account", accountId, "--json"));
    await database.db
      .deleteFrom("audit_events")
      .where("hash", "=", head?.hash ?? "")
      .execute();

    const [unchecked, checked] = await Promise.all([
      cli("audit", "verify", "--account", accountId),
      cli("audit", "verify", "--account", accountId, "--head", `${head?.seq}:${head?.hash}`),
    ]);
    expectSucceeded(unchecked);
    expectRefused(checked, /broken at seq 4: the chain ends at seq 3, before the recorded head/);
  });
});

describe("keyward audit export", { timeout: 90_000 }, () => {
  it("writes every event with its hash in chain order, which the snippet in docs/security.md verifies offline", async () => {
    const accountId = await seedAccount();
    const path = join(files.path, `${accountId}.jsonl`);
    const exported = await cli(
      "audit",
      "export",
      "--account",
      accountId,
      "--format",
      "jsonl",
      "--to",
      path,
      "--json",
    );
    expectSucceeded(exported);
    const last = await eventAt(accountId, 4);
    expect(jsonOutput(exported)).toMatchObject({ events: 4, head: { seq: 4, hash: last.hash }, to: path });
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([1, 2, 3, 4]);
    expect(JSON.parse(lines[3] ?? "")).toMatchObject({
      id: last.id,
      accountId,
      hash: last.hash,
      prevHash: last.prev_hash,
    });
    // Without --to, standard output is the export itself.
    expect((await cli("audit", "export", "--account", accountId, "--format", "jsonl")).stdout).toBe(
      readFileSync(path, "utf8"),
    );

    const snippet = snippetFromDocs();
    const intact = await runNode([snippet, path, `4:${last.hash}`]);
    expect(intact).toEqual({ exitCode: 0, stdout: `intact: 4 events, head 4:${last.hash}\n`, stderr: "" });

    const changed = lines.map((line, index) =>
      index === 2 ? line.replace('"Dashboard"', '"Dashb0ard"') : line,
    );
    writeFileSync(path, `${changed.join("\n")}\n`);
    const third = JSON.parse(lines[2] ?? "") as { id: string };
    expect(await runNode([snippet, path])).toMatchObject({
      exitCode: 1,
      stderr: `broken: event ${third.id} (seq 3) was changed\n`,
    });
    writeFileSync(path, `${[lines[0], lines[2], lines[3]].join("\n")}\n`);
    expect((await runNode([snippet, path])).stderr).toBe(
      `broken: event ${third.id} (seq 3) does not follow seq 1\n`,
    );
    writeFileSync(path, `${lines.slice(0, 3).join("\n")}\n`);
    expect((await runNode([snippet, path, `4:${last.hash}`])).stderr).toMatch(
      /ends at seq 3, before the recorded head/,
    );
  });

  it("refuses an unknown format, --json without --to, a malformed --head and an unknown account, naming each", async () => {
    const accountId = await seedAccount();
    const unwritable = join(files.path, "missing-dir", "out.jsonl");
    const refusals: Array<[string[], RegExp]> = [
      [["export", "--account", accountId, "--format", "csv"], /^keyward: --format:/],
      [["export", "--account", accountId, "--format", "jsonl", "--json"], /^keyward: --json:/],
      [["export", "--account", accountId, "--format", "jsonl", "--to", unwritable], /^keyward: --to:/],
      [["verify", "--account", accountId, "--head", "4:abc"], /^keyward: --head:/],
      [["verify", "--account", "No Such Marketplace"], /^keyward: --account:/],
    ];
    const results = await Promise.all(refusals.map(([args]) => cli("audit", ...args)));
    for (const [index, result] of results.entries()) expectRefused(result, refusals[index]?.[1] ?? /$^/);
  });
});

describe("keyward audit", { timeout: 90_000 }, () => {
  it("still lists the trail newest first", async () => {
    const accountId = await seedAccount();
    const [listed, unnamed] = await Promise.all([cli("audit", "--account", accountId), cli("audit")]);
    expectSucceeded(listed);
    const lines = listed.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/ api_key\.revoked /);
    expect(lines[3]).toMatch(/ account\.created /);
    expectRefused(unnamed, /^keyward: --account:/);
  });
});

async function findAccountName(accountId: string): Promise<string> {
  const row = await database.db
    .selectFrom("accounts")
    .select("name")
    .where("id", "=", accountId)
    .executeTakeFirstOrThrow();
  return row.name;
}
