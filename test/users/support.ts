import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll } from "vitest";
import { createAccount } from "../../src/accounts/create-account.js";
import type { Context } from "../../src/context.js";
import type { Database } from "../../src/db/database.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { openDatabase } from "../../src/db/open-database.js";
import { noLocalCache } from "../../src/keys/verification/verification-changes.js";
import { signIn } from "../../src/sessions/sign-in.js";
import { findUsersByEmail } from "../../src/users/list-users.js";
import { testPassword } from "../support/accounts.js";
import type { CliResult } from "../support/cli.js";
import { uniqueEmail } from "../support/test-app.js";
import { createTestDatabaseUrl } from "../support/test-database.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/keyward.js", import.meta.url));

/** A response reduced to what a client can compare: ids, emails, times, tokens and request ids blanked. */
export function comparable(response: LightMyRequestResponse) {
  const blank = (text: string) =>
    text
      .replace(/\b(usr|acc|evt|ses|key)_[0-9A-Z]{26}\b/g, "$1_…")
      .replace(/[\w.+-]+@[\w.-]+\.test\b/g, "…@….test")
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/g, "…time…")
      .replace(/"(requestId|csrfToken)":"[^"]*"/g, '"$1":"…"')
      .replace(/\breq_\w+/g, "req_…");
  const headers = Object.entries(response.headers)
    .filter(([name]) => !["date", "content-length", "set-cookie"].includes(name))
    .map(([name, value]) => `${name}: ${blank(String(value)).replace(/\breq_\w+/g, "req_…")}`)
    .sort();
  const cookies = response.cookies.map((cookie) => ({ ...cookie, value: "…" }));
  return { status: response.statusCode, headers, cookies, body: blank(response.body) };
}

export interface UsersDatabase {
  /** A SQLite path, or a postgres:// URL selecting a fresh schema when KEYWARD_TEST_POSTGRES is set. */
  readonly url: string;
  ctx(): Context;
}

/** A fresh database for one CLI test file, on SQLite or PostgreSQL like the rest of the suite. */
export function setUpUsersDatabase(): UsersDatabase {
  let url = "";
  let drop = async () => {};
  let database: Database | undefined;
  beforeAll(async () => {
    ({ url, drop } = await createTestDatabaseUrl());
    database = await openDatabase(url);
    await migrateToLatest(database);
  });
  afterAll(async () => {
    await database?.close();
    await drop();
  });
  return {
    get url() {
      return url;
    },
    ctx() {
      if (!database) throw new Error("the database is not open yet");
      return { db: database.db, changes: noLocalCache };
    },
  };
}

/** The CLI's environment: ours without KEYWARD_* settings, plus the database and what the test adds. */
function cliEnv(url: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("KEYWARD_")) env[name] = value;
  }
  return { ...env, NO_COLOR: "1", KEYWARD_DATABASE: url, ...extra };
}

export interface KeywardRun {
  input?: string;
  env?: Record<string, string>;
}

/** Runs `node bin/keyward.js <args>` with standard input from a pipe (closed after `input`). */
export function runKeyward(url: string, args: string[], run: KeywardRun = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot, env: cliEnv(url, run.env ?? {}) });
  child.stdin.end(run.input ?? "");
  return collect(child);
}

/**
 * Runs the CLI in a real terminal (util-linux `script` gives it a pseudo-terminal) and types each
 * answer once the output so far matches its prompt, as a person would. `output` is everything the
 * terminal showed, prompts, echo (if any) and results alike.
 */
export async function runKeywardInTerminal(
  url: string,
  args: string[],
  answers: { prompt: RegExp; typed: string }[],
): Promise<{ exitCode: number; output: string }> {
  const command = [process.execPath, bin, ...args].map(shellQuote).join(" ");
  const child = spawn("script", ["-qec", command, "/dev/null"], { cwd: repoRoot, env: cliEnv(url, {}) });
  let output = "";
  let next = 0;
  let answeredUpTo = 0;
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
    for (
      let answer = answers[next];
      answer?.prompt.test(output.slice(answeredUpTo));
      answer = answers[next]
    ) {
      answeredUpTo = output.length;
      next++;
      child.stdin.write(`${answer.typed}\r`);
    }
  });
  // A prompt that never comes must not leave a process behind: the test fails on the output instead.
  const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const exitCode = await new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  clearTimeout(guard);
  return { exitCode, output };
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}

function collect(child: ReturnType<typeof spawn>): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ exitCode: code ?? -1, stdout, stderr })),
  );
}

/** What the CLI tests need around one database: running the CLI, seeding, checking sign-in. */
export function cliTestKit(db: UsersDatabase) {
  return {
    cli(args: string[], run: KeywardRun = {}) {
      return runKeyward(db.url, args, run);
    },
    /** True when the password opens a session for the email (in the account, if named). */
    canSignIn(email: string, password: string, account?: string): Promise<boolean> {
      const credentials = { email, password, ...(account ? { account } : {}) };
      return signIn(db.ctx().db, { credentials, ip: null }).then(
        () => true,
        () => false,
      );
    },
    /** An account made in-process (fast) with an Administrator whose password is testPassword. */
    async seedAccount(adminEmail = uniqueEmail("admin")) {
      const name = `CLI ${uniqueEmail("m").split("@")[0]}`;
      const { account } = await createAccount(db.ctx(), {
        account: { name, adminEmail, adminPassword: testPassword },
        demoSeed: 3,
      });
      return { id: account.id, name, adminEmail };
    },
    usersWithEmail(email: string) {
      return findUsersByEmail(db.ctx().db, { email });
    },
  };
}

// Each run starts a CLI process (~1–5 s on a busy 2-core machine); several tests make five or more.
export const slowCli = { timeout: 120_000 };
