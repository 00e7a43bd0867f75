import {
  createAccountWithCli,
  createClusterDatabase,
  createKeyOverHttp,
  signInOverHttp,
  verifyOn,
} from "../test/scale/cluster.js";
import { type ServerProcess, startServer } from "../test/support/server-process.js";
import { percentile } from "./stats.js";

export interface PropagationOptions {
  postgresUrl: string;
  revocations: number;
}

export interface PropagationFigures {
  revocations: number;
  /** Per other instance: ms from the revoke response to its first rejection. */
  delaysMs: { instance: string; p50: number; p99: number; max: number }[];
  allDelays: { p50: number; p99: number; max: number };
  /** How often instance A still accepted the key right after its own revoke response (must be 0). */
  acceptedOnA: number;
  /** Server-side lag, pg_notify → receipt, from B's and C's /metrics (mean, ms). */
  meanNotificationLagMs: number;
}

const failuresAllowed = { KEYWARD_KEY_FAILURES_PER_MINUTE: "1000000" };

/** 3: revoke through instance A, time until B and C each reject, over many revocations. */
export async function benchPropagation(options: PropagationOptions): Promise<PropagationFigures> {
  const database = await createClusterDatabase(options.postgresUrl, "bench");
  const servers: ServerProcess[] = [];
  try {
    const { email } = await createAccountWithCli(database.url);
    servers.push(...(await Promise.all([0, 1, 2].map(() => startServer(database.url, failuresAllowed)))));
    const [a, b, c] = servers.map((server) => server.url) as [string, string, string];
    const admin = await signInOverHttp(a, email);
    const delays: [number[], number[]] = [[], []];
    let acceptedOnA = 0;
    for (let i = 0; i < options.revocations; i++) {
      const key = await createKeyOverHttp(admin);
      for (const url of [a, b, c]) await expectStatus(url, key.secret, 200);
      const revoke = await admin.request("POST", `/console/api/keys/${key.id}/revoke`);
      await revoke.arrayBuffer();
      const revokedAt = performance.now();
      if (revoke.status !== 200) throw new Error(`revoke answered ${revoke.status}`);
      const [onB, onC, onA] = await Promise.all([
        firstRejection(b, key.secret),
        firstRejection(c, key.secret),
        verifyOn(a, key.secret),
      ]);
      if (onA.status === 200) acceptedOnA++;
      delays[0].push(onB - revokedAt);
      delays[1].push(onC - revokedAt);
    }
    return {
      revocations: options.revocations,
      delaysMs: [
        { instance: "B", ...distribution(delays[0]) },
        { instance: "C", ...distribution(delays[1]) },
      ],
      allDelays: distribution([...delays[0], ...delays[1]]),
      acceptedOnA,
      meanNotificationLagMs: await meanLagMs([b, c]),
    };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await database.drop();
  }
}

/** Polls as fast as one connection allows; returns when the instance first refused the key. */
async function firstRejection(url: string, secret: string): Promise<number> {
  for (;;) {
    const { status } = await verifyOn(url, secret);
    const at = performance.now();
    if (status === 401) return at;
    if (status !== 200) throw new Error(`unexpected status ${status}`);
  }
}

async function expectStatus(url: string, secret: string, status: number): Promise<void> {
  const result = await verifyOn(url, secret);
  if (result.status !== status) throw new Error(`expected ${status} from ${url}, got ${result.status}`);
}

function distribution(values: number[]) {
  return { p50: percentile(values, 0.5), p99: percentile(values, 0.99), max: Math.max(...values) };
}

async function meanLagMs(urls: string[]): Promise<number> {
  let total = 0;
  let count = 0;
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    total += Number(/^keyward_notification_lag_seconds_sum (\S+)$/m.exec(text)?.[1] ?? 0);
    count += Number(/^keyward_notification_lag_seconds_count (\S+)$/m.exec(text)?.[1] ?? 0);
  }
  return count === 0 ? Number.NaN : (total / count) * 1000;
}
