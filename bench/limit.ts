import { type BenchServer, startBenchServer } from "./bench-process.js";
import { probeAlternating } from "./latency.js";
import { type LoadResult, runLoad } from "./load.js";
import { median, percentile, sum } from "./stats.js";

export interface LimitOptions {
  backend: string;
  databaseUrl: string;
  seconds: number;
  rounds: number;
  connections: number;
  latencySamples: number;
  /** The CPU to pin the server to (the load generator is pinned elsewhere by the caller). */
  serverCpu?: string | undefined;
}

export interface LimitRun {
  /** Requests in flight per connection: 1 (one at a time) or more (pipelined). */
  pipelining: number;
  pairs: { open: LoadResult; authenticated: LoadResult }[];
  openRps: number;
  authenticatedRps: number;
  /** Median of the per-pair req/s ratios (each pair measured back to back). */
  medianRatio: number;
  /** Total authenticated requests over total open requests. */
  pooledRatio: number;
  /** Open over authenticated server CPU per request: the ratio on a core of its own. */
  cpuRatio: number;
  openMicros: number;
  authenticatedMicros: number;
}

export interface LimitFigures {
  backend: string;
  runs: LimitRun[];
  latency: { openP50: number; openP99: number; authenticatedP50: number; authenticatedP99: number };
}

const openPath = "/bench/ping";
const authenticatedPath = "/api/v1/bench/ping";

/**
 * 1 and 2: the same handler with and without API-key verification (the key cached), on one server,
 * one request at a time per connection and pipelined. Runs alternate open/auth, auth/open, … so
 * drift on a shared machine lands on both.
 */
export async function benchLimit(options: LimitOptions): Promise<LimitFigures> {
  const server = await startBenchServer(options.databaseUrl, options.serverCpu);
  try {
    const runs: LimitRun[] = [];
    for (const pipelining of [1, 10]) runs.push(await measurePairs(server, options, pipelining));
    return { backend: options.backend, runs, latency: await measureLatency(server, options) };
  } finally {
    await server.stop();
  }
}

async function measurePairs(
  server: BenchServer,
  options: LimitOptions,
  pipelining: number,
): Promise<LimitRun> {
  const load = async (path: string, seconds: number) => {
    const result = await runLoad({
      url: `${server.url}${path}`,
      seconds,
      connections: options.connections,
      pipelining,
      headers: { authorization: `Bearer ${server.secret}` },
      serverPid: server.pid,
    });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${path}: ${result.non2xx} non-2xx responses and ${result.errors} errors`);
    }
    return result;
  };
  await load(openPath, 2);
  await load(authenticatedPath, 2);
  const pairs: LimitRun["pairs"] = [];
  for (let round = 0; round < options.rounds; round++) {
    const openFirst = round % 2 === 0;
    const first = await load(openFirst ? openPath : authenticatedPath, options.seconds);
    const second = await load(openFirst ? authenticatedPath : openPath, options.seconds);
    pairs.push(openFirst ? { open: first, authenticated: second } : { open: second, authenticated: first });
  }
  return { pipelining, pairs, ...summarize(pairs) };
}

function summarize(pairs: LimitRun["pairs"]) {
  const mean = (pick: (pair: LimitRun["pairs"][number]) => number) => sum(pairs.map(pick)) / pairs.length;
  const openRps = mean((p) => p.open.requestsPerSecond);
  const authenticatedRps = mean((p) => p.authenticated.requestsPerSecond);
  const openMicros = mean((p) => p.open.serverMicrosPerRequest);
  const authenticatedMicros = mean((p) => p.authenticated.serverMicrosPerRequest);
  return {
    openRps,
    authenticatedRps,
    medianRatio: median(pairs.map((p) => p.authenticated.requestsPerSecond / p.open.requestsPerSecond)),
    pooledRatio: authenticatedRps / openRps,
    cpuRatio: openMicros / authenticatedMicros,
    openMicros,
    authenticatedMicros,
  };
}

async function measureLatency(server: BenchServer, options: LimitOptions) {
  const headers = { authorization: `Bearer ${server.secret}` };
  const [open = [], authenticated = []] = await probeAlternating(
    server.url,
    [
      { path: openPath, headers },
      { path: authenticatedPath, headers },
    ],
    options.latencySamples,
  );
  return {
    openP50: percentile(open, 0.5),
    openP99: percentile(open, 0.99),
    authenticatedP50: percentile(authenticated, 0.5),
    authenticatedP99: percentile(authenticated, 0.99),
  };
}
