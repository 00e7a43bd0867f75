import { afterAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServer } from "../support/server-process.js";
import {
  createFaultDatabase,
  type Dialect,
  type FaultDatabase,
  faultEnv,
  faultPassword,
  findHalfMadeKeys,
} from "./support/fault-database.js";
import { errorCode, type HttpConsole, signInOverHttp, verifyKey } from "./support/http-client.js";

// kill -9 of a real server process in the middle of a burst of concurrent creates and revokes through the
// console API. An acknowledged response is a promise: after a restart every acknowledged revoke must
// still be revoked, every acknowledged create must work, and no key may be half made.
const isEnabled = process.env.KEYWARD_FAULTS === "1";
const cycles = Number(process.env.KEYWARD_FAULT_CYCLES ?? 3);
const workers = 8;

interface Ledger {
  created: Map<string, string>;
  revoked: Set<string>;
  revokable: { id: string; secret: string }[];
  requests: number;
  unanswered: number;
}

const totals = { kills: 0, acknowledged: 0, unanswered: 0, keysLost: 0, halfMade: 0 };
afterAll(() => {
  if (!isEnabled) return;
  console.log(
    `[fault figures] kill -9: ${totals.kills} kills during bursts, ${totals.acknowledged} acknowledged writes, ` +
      `${totals.unanswered} cut off, ${totals.keysLost} keys lost, ${totals.halfMade} half-made keys`,
  );
});

async function createKey(client: HttpConsole, name: string) {
  const answer = await client.request("POST", "/console/api/keys", { name, permissions: { all: true } });
  if (answer.status !== 201) return undefined;
  const body = answer.body as { key: { id: string }; secret: string };
  return { id: body.key.id, secret: body.secret };
}

/** Creates and revokes concurrently until the server stops answering. */
async function burst(client: HttpConsole, ledger: Ledger, stop: () => boolean) {
  let sequence = 0;
  const worker = async (index: number) => {
    while (!stop()) {
      ledger.requests++;
      const victim = index % 2 === 0 ? ledger.revokable.pop() : undefined;
      if (victim) {
        const answer = await client.request("POST", `/console/api/keys/${victim.id}/revoke`);
        if (answer.status === 200) ledger.revoked.add(victim.id);
        else if (answer.status === 0) ledger.unanswered++;
        else throw new Error(`revoke answered ${answer.status} ${JSON.stringify(answer.body)}`);
      } else {
        const answer = await client.request("POST", "/console/api/keys", {
          name: `Burst ${sequence++}`,
          permissions: { all: true },
        });
        if (answer.status === 201) {
          const body = answer.body as { key: { id: string }; secret: string };
          ledger.created.set(body.key.id, body.secret);
        } else if (answer.status === 0) ledger.unanswered++;
        else throw new Error(`create answered ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(i)));
}

describe.runIf(isEnabled).each<Dialect>(["sqlite", "postgres"])(
  "kill -9 during a burst of writes on %s",
  (dialect) => {
    let db: FaultDatabase;
    let server: ServerProcess | undefined;
    afterAll(async () => {
      await server?.stop();
      await db?.drop();
    });

    it("keeps every acknowledged revoke and create, and leaves no half-made key", async () => {
      db = await createFaultDatabase(dialect);
      const secrets = new Map<string, string>();
      const revoked = new Set<string>();
      for (let cycle = 0; cycle < cycles; cycle++) {
        server = await startServer(db.url, faultEnv);
        const client = await signInOverHttp(server.url, db.adminEmail, faultPassword);
        const ledger: Ledger = {
          created: new Map(),
          revoked: new Set(),
          revokable: [],
          requests: 0,
          unanswered: 0,
        };
        for (let i = 0; i < 40; i++) {
          const key = await createKey(client, `To revoke ${cycle}.${i}`);
          if (!key) throw new Error("could not prepare keys");
          ledger.revokable.push(key);
          secrets.set(key.id, key.secret);
        }
        let isKilled = false;
        const running = burst(client, ledger, () => isKilled);
        // Let the burst reach full speed, then cut the power at a random moment.
        await new Promise((r) => setTimeout(r, 400 + Math.random() * 600));
        const current = server;
        await current.kill9();
        isKilled = true;
        totals.kills++;
        await running;
        expect(
          ledger.created.size + ledger.revoked.size,
          "the burst acknowledged nothing before the kill",
        ).toBeGreaterThan(0);
        for (const [id, secret] of ledger.created) secrets.set(id, secret);
        for (const id of ledger.revoked) revoked.add(id);
        totals.acknowledged += ledger.created.size + ledger.revoked.size;
        totals.unanswered += ledger.unanswered;

        server = await startServer(db.url, faultEnv);
        const lost: string[] = [];
        for (const id of revoked) {
          const answer = await verifyKey(server.url, secrets.get(id) ?? "");
          if (answer.status !== 401 || errorCode(answer) !== "revoked_api_key")
            lost.push(`revoked ${id} → ${answer.status} ${errorCode(answer)}`);
        }
        for (const [id, secret] of ledger.created) {
          const answer = await verifyKey(server.url, secret);
          if (answer.status !== 200) lost.push(`created ${id} → ${answer.status} ${errorCode(answer)}`);
        }
        totals.keysLost += lost.length;
        expect(lost, `after kill ${cycle + 1} on ${dialect}`).toEqual([]);
        const halfMade = await findHalfMadeKeys(db.database, db.accountId);
        totals.halfMade += halfMade.length;
        expect(halfMade).toEqual([]);
        await server.stop();
        server = undefined;
      }
    });
  },
);
