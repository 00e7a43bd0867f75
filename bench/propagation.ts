import {
  createAccountWithCli,
  createClusterDatabase,
  createKeyOverHttp,
  runCli,
  signInOverHttp,
  verifyOn,
} from "../test/scale/cluster.js";
import { type ServerProcess, startServer } from "../test/support/server-process.js";
import { percentile } from "./stats.js";

export interface PropagationOptions {
  postgresUrl: string;
  revocations: number;
}

/** A change that must stop a key on every instance before its response (or the CLI's exit). */
export type ChangeKind = "console revoke" | "console allowlist edit" | "CLI revoke" | "CLI allowlist edit";
const kinds: ChangeKind[] = ["console revoke", "console allowlist edit", "CLI revoke", "CLI allowlist edit"];

export interface PropagationFigures {
  revocations: number;
  /** Per other instance: ms from the change's response to its first refusal. */
  delaysMs: { instance: string; p50: number; p99: number; max: number }[];
  /** Per kind of change, B and C together. */
  byKind: {
    kind: ChangeKind;
    changes: number;
    p50: number;
    p99: number;
    max: number;
    staleAnswers: number;
  }[];
  allDelays: { p50: number; p99: number; max: number };
  /** One poll of B or C with a valid key just before each change: the floor of every delay above. */
  pollRoundTrip: { p50: number; p99: number; max: number };
  /** How often instance A still accepted the key right after its own change's response (must be 0). */
  acceptedOnA: number;
  /** Server-side lag, pg_notify → receipt, from B's and C's /metrics (mean, ms). */
  meanNotificationLagMs: number;
}

const failuresAllowed = { KEYWARD_KEY_FAILURES_PER_MINUTE: "1000000" };
/** An address no request of the bench comes from: an allowlist of it refuses the key everywhere. */
const elsewhere = "192.0.2.1";

/**
 * 3: change a key through instance A's console API or the CLI — revoke it, or narrow its allowlist to
 * an address the bench doesn't use — and time until B and C each refuse it, over many changes.
 */
export async function benchPropagation(options: PropagationOptions): Promise<PropagationFigures> {
  const database = await createClusterDatabase(options.postgresUrl, "bench");
  const servers: ServerProcess[] = [];
  try {
    const { email } = await createAccountWithCli(database.url);
    servers.push(...(await Promise.all([0, 1, 2].map(() => startServer(database.url, failuresAllowed)))));
    const [a, b, c] = servers.map((server) => server.url) as [string, string, string];
    const admin = await signInOverHttp(a, email);
    const delays: [number[], number[]] = [[], []];
    const byKind = new Map<ChangeKind, { delays: number[]; staleAnswers: number }>(
      kinds.map((kind) => [kind, { delays: [], staleAnswers: 0 }]),
    );
    let acceptedOnA = 0;
    const roundTrips: number[] = [];
    for (let i = 0; i < options.revocations; i++) {
      const kind = kinds[i % kinds.length] as ChangeKind;
      const key = await createKeyOverHttp(admin);
      for (const url of [a, b, c]) await expectStatus(url, key.secret, 200);
      for (const url of [b, c]) {
        const start = performance.now();
        await expectStatus(url, key.secret, 200);
        roundTrips.push(performance.now() - start);
      }
      await change(kind, key.id);
      const changedAt = performance.now();
      const [onB, onC, onA] = await Promise.all([
        firstRejection(b, key.secret),
        firstRejection(c, key.secret),
        verifyOn(a, key.secret),
      ]);
      if (onA.status === 200) acceptedOnA++;
      delays[0].push(onB.at - changedAt);
      delays[1].push(onC.at - changedAt);
      const figures = byKind.get(kind);
      figures?.delays.push(onB.at - changedAt, onC.at - changedAt);
      if (figures) figures.staleAnswers += onB.staleAnswers + onC.staleAnswers;
    }
    return {
      revocations: options.revocations,
      delaysMs: [
        { instance: "B", ...distribution(delays[0]) },
        { instance: "C", ...distribution(delays[1]) },
      ],
      byKind: [...byKind].map(([kind, figures]) => ({
        kind,
        changes: figures.delays.length / 2,
        ...distribution(figures.delays),
        staleAnswers: figures.staleAnswers,
      })),
      allDelays: distribution([...delays[0], ...delays[1]]),
      pollRoundTrip: distribution(roundTrips),
      acceptedOnA,
      meanNotificationLagMs: await meanLagMs([b, c]),
    };

    /** Makes the change; resolves when its response arrived (console) or the CLI exited. */
    async function change(kind: ChangeKind, keyId: string): Promise<void> {
      if (kind === "CLI revoke") {
        await runCli(database.url, ["keys", "revoke", "--id", keyId, "--by", email]);
        return;
      }
      if (kind === "CLI allowlist edit") {
        await runCli(database.url, ["keys", "update", "--id", keyId, "--by", email, "--allow-ip", elsewhere]);
        return;
      }
      const response =
        kind === "console revoke"
          ? await admin.request("POST", `/console/api/keys/${keyId}/revoke`)
          : await admin.request("PATCH", `/console/api/keys/${keyId}`, { allowedIps: [elsewhere] });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`${kind} answered ${response.status}`);
    }
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await database.drop();
  }
}

/**
 * Polls as fast as one connection allows; returns when the instance first refused the key (401
 * revoked, 403 address not allowed), and how many times it accepted it after the change's response.
 */
async function firstRejection(url: string, secret: string): Promise<{ at: number; staleAnswers: number }> {
  let staleAnswers = 0;
  for (;;) {
    const { status } = await verifyOn(url, secret);
    const at = performance.now();
    if (status === 401 || status === 403) return { at, staleAnswers };
    if (status !== 200) throw new Error(`unexpected status ${status}`);
    staleAnswers++;
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
