import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The installed cluster version (/etc/postgresql/<version>/main). */
function clusterVersion(): string {
  const version = readdirSync("/etc/postgresql")[0];
  if (!version) throw new Error("no PostgreSQL cluster under /etc/postgresql");
  return version;
}

/** Restarts the local PostgreSQL cluster: every connection is cut, the server is down for a moment. */
export async function restartPostgres(): Promise<void> {
  await run("pg_ctlcluster", ["--skip-systemctl-redirect", clusterVersion(), "main", "restart"]);
}

export async function isPostgresReady(): Promise<boolean> {
  try {
    await run("pg_isready", ["-q", "-h", "127.0.0.1", "-p", "5432"]);
    return true;
  } catch {
    return false;
  }
}

/** Makes sure PostgreSQL is up again (starting it if a restart left it down), for the tests that follow. */
export async function ensurePostgresUp(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let hasTriedStart = false;
  while (Date.now() < deadline) {
    if (await isPostgresReady()) return;
    if (!hasTriedStart && Date.now() > deadline - timeoutMs + 5_000) {
      hasTriedStart = true;
      await run("pg_ctlcluster", ["--skip-systemctl-redirect", clusterVersion(), "main", "start"]).catch(
        () => {},
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("PostgreSQL is not accepting connections");
}
