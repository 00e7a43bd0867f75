import autocannon from "autocannon";
import { startServer } from "../test/support/server-process.js";
import { cpuSeconds } from "./process-stats.js";
import { createScaleStore } from "./scale-store.js";
import { createKeySet } from "./seed-keys.js";
import { median } from "./stats.js";

export interface WritesOptions {
  backend: "sqlite" | "postgres";
  postgresUrl: string;
  /** Distinct active keys, each used once per `periodSeconds`. */
  keys: number;
  periodSeconds: number;
  /** A/B pairs of `periodSeconds / 2` each. */
  pairs: number;
}

export interface WritesPhase {
  keysUsed: "each once" | "one key";
  requests: number;
  /** Server CPU as a fraction of one core over the phase. */
  serverCpu: number;
}

export interface WritesFigures {
  backend: string;
  keys: number;
  requestsPerSecond: number;
  phases: WritesPhase[];
  /** Median over the pairs: CPU with every key distinct minus CPU with one key, at the same rate. */
  addedCoreShare: number;
  /** Median CPU share with every key distinct (verification and recording together). */
  distinctCoreShare: number;
}

/**
 * 6: the cost of recording last use and usage for many distinct keys. The same request rate — `keys`
 * requests per `periodSeconds`, the rate of 10,000 keys each used once a minute — is sent twice: every
 * request with a different key, and every request with one key. Both are cache hits (the keys are
 * verified once before), so the difference is what recording distinct keys costs: one last-used row
 * and usage counts per key per flush instead of one.
 */
export async function benchWrites(options: WritesOptions): Promise<WritesFigures> {
  const store = await createScaleStore(options);
  try {
    const keys = createKeySet(options.keys);
    const { owner } = await store.createOwner();
    await store.seed(keys, owner);
    const server = await startServer(store.url, {
      KEYWARD_KEY_CACHE_SIZE: String(options.keys * 2),
      KEYWARD_KEY_FAILURES_PER_MINUTE: "1000000",
    });
    try {
      const pid = server.child.pid ?? 0;
      const rate = options.keys / options.periodSeconds;
      const url = `${server.url}/api/v1/key`;
      let next = 0;
      const distinct = () => `Bearer ${keys.secretFor(next++ % keys.count)}`;
      const single = () => `Bearer ${keys.secretFor(0)}`;
      // Every key verified (and cached) once, then a flush, so both phases are cache hits.
      await send(url, { seconds: Math.ceil(options.keys / 2000) + 2, authorization: distinct });
      await new Promise((resolve) => setTimeout(resolve, 11_000));
      const phases: WritesPhase[] = [];
      const seconds = options.periodSeconds / 2;
      for (let pair = 0; pair < options.pairs; pair++) {
        const order =
          pair % 2 === 0 ? (["each once", "one key"] as const) : (["one key", "each once"] as const);
        for (const keysUsed of order) {
          const before = cpuSeconds(pid);
          const started = performance.now();
          const result = await send(url, {
            seconds,
            rate,
            authorization: keysUsed === "each once" ? distinct : single,
          });
          const wall = (performance.now() - started) / 1000;
          phases.push({ keysUsed, requests: result.requests, serverCpu: (cpuSeconds(pid) - before) / wall });
        }
      }
      const share = (keysUsed: WritesPhase["keysUsed"]) =>
        phases.filter((phase) => phase.keysUsed === keysUsed).map((phase) => phase.serverCpu);
      const added = share("each once").map((cpu, index) => cpu - (share("one key")[index] ?? cpu));
      return {
        backend: options.backend,
        keys: options.keys,
        requestsPerSecond: rate,
        phases,
        addedCoreShare: median(added),
        distinctCoreShare: median(share("each once")),
      };
    } finally {
      await server.stop();
    }
  } finally {
    await store.drop();
  }
}

/** Sends requests for `seconds`, at `rate` per second if given (else as fast as 10 connections go). */
async function send(
  url: string,
  options: { seconds: number; rate?: number; authorization: () => string },
): Promise<{ requests: number }> {
  const result = await autocannon({
    url,
    connections: options.rate ? 4 : 10,
    duration: options.seconds,
    ...(options.rate ? { overallRate: options.rate } : {}),
    requests: [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, authorization: options.authorization() },
        }),
      },
    ],
  });
  if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx + result.errors} requests failed`);
  return { requests: result.requests.total };
}
