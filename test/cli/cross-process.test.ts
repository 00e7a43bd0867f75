import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServer } from "../support/server-process.js";
import { setUpCliDatabase } from "./cli-database.js";

// A real server process and the CLI on one SQLite file: the server must notice the CLI's commits
// (PRAGMA data_version) before it answers the next request from its verification cache.
const db = setUpCliDatabase();
let server: ServerProcess;

beforeAll(async () => {
  server = await startServer(db.path);
});
afterAll(async () => {
  await server?.stop();
});

async function call(secret: string): Promise<{ status: number; code: string | undefined }> {
  const response = await fetch(`${server.url}/api/v1/reports/sales`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: body.error?.code };
}

const reportingRead = { all: false, sections: { reporting: "read" } } as const;

describe("The CLI and a running server on one SQLite database", () => {
  it("rejects a key revoked with the CLI on the very next request to the server", async () => {
    const account = await db.seedAccount({ managerApiAccess: true });
    const { key, secret } = await db.seedKey(account.managerEmail, "Integration", reportingRead);
    // Two requests: the second is answered from the server's cache, which the CLI can't touch.
    expect(await call(secret)).toEqual({ status: 200, code: undefined });
    expect(await call(secret)).toEqual({ status: 200, code: undefined });

    const revoked = await db.cli("keys", "revoke", "--id", key.id, "--by", account.adminEmail);
    expect(revoked.exitCode, revoked.stderr).toBe(0);

    expect(await call(secret)).toEqual({ status: 401, code: "revoked_api_key" });
  });

  it("stops a Manager's keys at once when the CLI removes their API access, and restores them on grant", async () => {
    const account = await db.seedAccount({ managerApiAccess: true });
    const { secret } = await db.seedKey(account.managerEmail, "Integration", reportingRead);
    expect((await call(secret)).status).toBe(200);
    expect((await call(secret)).status).toBe(200);

    const removed = await db.cli("users", "api-access", "remove", "--email", account.managerEmail);
    expect(removed.exitCode, removed.stderr).toBe(0);
    expect(await call(secret)).toEqual({ status: 401, code: "api_access_disabled" });

    const granted = await db.cli("users", "api-access", "grant", "--email", account.managerEmail);
    expect(granted.exitCode, granted.stderr).toBe(0);
    expect(await call(secret)).toEqual({ status: 200, code: undefined });
  });

  it("rejects every request sent after the CLI's revoke returned, while other connections keep the server busy", async () => {
    const account = await db.seedAccount({ managerApiAccess: true });
    const { key, secret } = await db.seedKey(account.managerEmail, "Busy integration", reportingRead);
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const answers: { sentAt: number; status: number }[] = [];
    let stopAt = Number.POSITIVE_INFINITY;
    // Eight connections, each sending its next request as soon as the last is answered.
    const connection = async () => {
      while (performance.now() < stopAt) {
        const sentAt = performance.now();
        const status = await new Promise<number>((resolve, reject) => {
          const req = request(
            `${server.url}/api/v1/key`,
            { agent, headers: { authorization: `Bearer ${secret}` } },
            (response) => {
              response.resume();
              response.on("end", () => resolve(response.statusCode ?? 0));
            },
          );
          req.on("error", reject);
          req.end();
        });
        answers.push({ sentAt, status });
      }
    };
    const load = Promise.all(Array.from({ length: 8 }, connection));
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const revoked = await db.cli("keys", "revoke", "--id", key.id, "--by", account.adminEmail);
      expect(revoked.exitCode, revoked.stderr).toBe(0);
      const returnedAt = performance.now();
      stopAt = returnedAt + 300;
      await load;

      const before = answers.filter((a) => a.sentAt < returnedAt);
      const after = answers.filter((a) => a.sentAt > returnedAt);
      expect(before.filter((a) => a.status === 200).length).toBeGreaterThan(50);
      expect(after.length).toBeGreaterThan(50);
      // 401 revoked_api_key, then 429 once the address is over the failed-verification limit.
      expect(after.filter((a) => a.status !== 401 && a.status !== 429)).toEqual([]);
      expect(answers.some((a) => a.status === 401)).toBe(true);
    } finally {
      stopAt = 0;
      await load.catch(() => {});
      agent.destroy();
    }
  });
});
