import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

// Real `keyward` processes on one PostgreSQL, driven over HTTP as a deployment would be. Shared by
// test/scale and bench/.

const repoRoot = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

export interface ClusterDatabase {
  /** The URL the servers use: the cluster's own role and a fresh schema it owns. */
  url: string;
  role: string;
  schema: string;
  /** An administrative connection (the base URL's superuser) for outages and clean-up. */
  admin: pg.Client;
  drop(): Promise<void>;
}

/**
 * A fresh schema owned by a fresh login role. The role lets a test cut the servers off from new
 * connections (ALTER ROLE … NOLOGIN) while their open pools keep working: a notification outage
 * that lasts exactly as long as the test wants.
 */
export async function createClusterDatabase(baseUrl: string, label: string): Promise<ClusterDatabase> {
  const name = `kw_${label}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  // A restart of PostgreSQL must fail the next query, not crash the process with an unhandled 'error'.
  admin.on("error", () => {});
  await admin.connect();
  await admin.query(`create role ${name} login`);
  await admin.query(`create schema ${name} authorization ${name}`);
  const url = new URL(baseUrl);
  url.username = name;
  url.password = "";
  url.searchParams.set("schema", name);
  return {
    url: url.toString(),
    role: name,
    schema: name,
    admin,
    async drop() {
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where usename = $1 and pid <> pg_backend_pid()",
        [name],
      );
      await admin.query(`drop schema if exists ${name} cascade`);
      await admin.query(`drop role if exists ${name}`);
      await admin.end();
    },
  };
}

/** Runs the `keyward` CLI with `--json` and returns what it printed. */
export async function runCli(databaseUrl: string, args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ["bin/keyward.js", ...args, "--json"], {
    cwd: repoRoot,
    env: { ...process.env, KEYWARD_DATABASE: databaseUrl },
  });
  return JSON.parse(stdout);
}

export const clusterPassword = "correct-horse-battery-staple";

/** Creates an account through the CLI; returns its id and Administrator's email. */
export async function createAccountWithCli(
  databaseUrl: string,
): Promise<{ accountId: string; email: string }> {
  const email = `admin-${randomBytes(4).toString("hex")}@example.test`;
  // Only `migrate` and `serve` change the schema; a fresh schema is migrated first.
  await runCli(databaseUrl, ["migrate"]);
  const result = (await runCli(databaseUrl, [
    "accounts",
    "create",
    "--name",
    "Scale Marketplace",
    "--admin-email",
    email,
    "--admin-password",
    clusterPassword,
  ])) as { account: { id: string } };
  return { accountId: result.account.id, email };
}

export interface ConsoleSession {
  request(method: string, path: string, body?: unknown): Promise<Response>;
}

/** Signs in through the console API of one instance; sessions live in the database, so any instance accepts it. */
export async function signInOverHttp(baseUrl: string, email: string, password = clusterPassword) {
  const response = await fetch(`${baseUrl}/console/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0] ?? "")
    .find((pair) => pair.startsWith("keyward_session="));
  if (!cookie) throw new Error("sign-in set no session cookie");
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const session: ConsoleSession = {
    request: (method, path, body) =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          cookie,
          "x-csrf-token": csrfToken,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      }),
  };
  return session;
}

/** Generates a key with every permission through the console API. */
export async function createKeyOverHttp(session: ConsoleSession): Promise<{ id: string; secret: string }> {
  const response = await session.request("POST", "/console/api/keys", {
    name: "Scale test key",
    permissions: { all: true },
  });
  if (response.status !== 201)
    throw new Error(`key creation failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { key: { id: string }; secret: string };
  return { id: body.key.id, secret: body.secret };
}

/** The status and error code one instance answers for a key. */
export async function verifyOn(baseUrl: string, secret: string): Promise<{ status: number; code?: string }> {
  const response = await fetch(`${baseUrl}/api/v1/key`, { headers: { authorization: `Bearer ${secret}` } });
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, ...(body.error ? { code: body.error.code } : {}) };
}

export async function isRevokedOn(baseUrl: string, secret: string): Promise<boolean> {
  const { status, code } = await verifyOn(baseUrl, secret);
  return status === 401 && code === "revoked_api_key";
}
