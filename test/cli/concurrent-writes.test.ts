import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryId,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";
import { describe, expect, it } from "vitest";
import type { Context } from "../../src/context.js";
import { revokeKey } from "../../src/keys/revoke-key.js";
import { findUserByEmail } from "../../src/users/list-users.js";
import { actorForUser } from "../../src/users/user-view.js";
import { setUpCliDatabase } from "./cli-database.js";

/*
 * The server and the CLI are two processes writing one SQLite file. A write transaction that starts
 * by reading (revoke: read the key, then update it) must not fail because the other process committed
 * in between. This test makes that interleaving certain instead of lucky: a Kysely plugin pauses the
 * operation right after its first read while another process writes to the database.
 */

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const db = setUpCliDatabase();

/** Another process (a server recording a key's last use) committing one write; it waits for locks. */
function recordLastUseFromAnotherProcess(keyId: string): ChildProcess {
  const script = `
    const Database = require("better-sqlite3");
    const db = new Database(process.argv[1]);
    db.pragma("busy_timeout = 20000");
    db.prepare("update api_keys set last_used_at = ?, last_used_ip = '10.0.0.1' where id = ?")
      .run(new Date().toISOString(), process.argv[2]);
    db.close();`;
  return spawn(process.execPath, ["-e", script, db.path, keyId], { cwd: repoRoot, stdio: "inherit" });
}

/** Runs `during` once, right after the first SELECT of whatever uses the Kysely instance it is added to. */
class PauseAfterFirstRead implements KyselyPlugin {
  private readonly selects = new Set<QueryId>();
  private hasPaused = false;
  private readonly during: () => Promise<void>;

  constructor(during: () => Promise<void>) {
    this.during = during;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (!this.hasPaused && args.node.kind === "SelectQueryNode") this.selects.add(args.queryId);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (!this.hasPaused && this.selects.has(args.queryId)) {
      this.hasPaused = true;
      await this.during();
    }
    return args.result;
  }
}

/** Resolves when the child exits, or after `ms` if it is still waiting (e.g. for our lock). */
async function exitOrTimeout(child: ChildProcess, ms: number): Promise<void> {
  if (child.exitCode !== null) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    once(child, "exit"),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

describe("Two processes writing one SQLite database", () => {
  it("revokes a key even when another process commits between the revoke's read and its write", async () => {
    // Today this fails with SqliteError "database is locked" (SQLITE_BUSY_SNAPSHOT): the transaction
    // begins deferred, reads, and can't upgrade to a writer once another connection has committed.
    const account = await db.seedAccount();
    const { key } = await db.seedKey(account.adminEmail, "Compromised");
    const { key: busyKey } = await db.seedKey(account.adminEmail, "Busy");
    const admin = actorForUser((await findUserByEmail(db.ctx().db, account.adminEmail))!, null);

    let writer: ChildProcess | undefined;
    const interleaved: Context = {
      ...db.ctx(),
      db: db.ctx().db.withPlugin(
        new PauseAfterFirstRead(async () => {
          writer = recordLastUseFromAnotherProcess(busyKey.id);
          // The other process commits now; if the revoke holds the write lock it waits, and we go on after 1 s.
          await exitOrTimeout(writer, 1_000);
        }),
      ),
    };

    const revoked = await revokeKey(interleaved, { actor: admin, keyId: key.id });
    expect(revoked.status).toBe("revoked");

    if (writer && writer.exitCode === null) await once(writer, "exit");
    expect(writer?.exitCode).toBe(0);
    const rows = await db
      .ctx()
      .db.selectFrom("api_keys")
      .select(["id", "revoked_at", "last_used_ip"])
      .execute();
    expect(rows.find((row) => row.id === key.id)?.revoked_at).not.toBeNull();
    expect(rows.find((row) => row.id === busyKey.id)?.last_used_ip).toBe("10.0.0.1");
  });
});
