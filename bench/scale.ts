import { signInOverHttp } from "../test/scale/cluster.js";
import { type ServerProcess, startServer } from "../test/support/server-process.js";
import { type LoadResult, runLoad } from "./load.js";
import { memory } from "./process-stats.js";
import { createScaleStore } from "./scale-store.js";
import { createKeySet, type KeySet } from "./seed-keys.js";
import { median, percentile } from "./stats.js";

export interface ScaleOptions {
  backend: "sqlite" | "postgres";
  postgresUrl: string;
  keys: number;
  cacheSizes: number[];
  /** Steady-state load after the cache is full. */
  seconds: number;
  /** Longest time spent filling the cache. */
  maxSeconds: number;
  connections: number;
  pages: number;
  /** Node options for the server (BENCH_SCALE_NODE_ARGS), to try V8 settings against memory. */
  nodeArgs: string[];
}

/** The hot phase's keys: few enough to stay cached in the smallest cache. */
const hotKeys = 1_000;

export interface CacheRun {
  cacheSize: number;
  /** Seconds of load it took to fill the cache. */
  fillSeconds: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  hitRatio: number;
  entries: number;
  baselineRss: number;
  rssWhenFull: number;
  /** V8's heap when full (/metrics): what is in use (live and not yet collected) and what it has reserved. */
  heapUsedWhenFull: number;
  heapTotalWhenFull: number;
  /**
   * Medians while the full cache kept taking misses: RSS sampled every 100 ms, V8's heap at the end of
   * each cold phase. One instant is at the mercy of where the GC stood (634 and 2,218 bytes per entry
   * on SQLite in two runs of nearly the same code); the median is what the server holds.
   */
  rssWhileFull: number;
  heapUsedWhileFull: number;
  heapTotalWhileFull: number;
  /** Highest RSS sampled while the full cache kept taking misses. */
  peakRss: number;
  serverCpu: number;
  /** Server CPU time per request (µs) in the steady state. */
  serverMicrosPerRequest: number;
  /**
   * The same server and load with keys drawn from 1,000 cached ones, in phases alternated with the
   * cold ones: the hot path measured side by side, so the cold/hot ratio is free of the machine's mood.
   */
  hot: { requestsPerSecond: number; latencyP99Ms: number; serverMicrosPerRequest: number };
  /** Cold and hot req/s of each alternated pair. */
  pairs: { cold: number; hot: number }[];
  /**
   * The longest the event loop was held during the cold phases (/metrics, sampled every 10 ms): what
   * every request arriving meanwhile waited. A closed-loop load generator's p99 hides it — its ten
   * connections are the only requests that wait — but open traffic meets it.
   */
  longestStallMs: number;
}

export interface ScaleFigures {
  backend: string;
  keys: number;
  seedSeconds: number;
  runs: CacheRun[];
  listPages: { pages: number; p50: number; p99: number; max: number };
}

/** 4: a million keys, uniform random verification (mostly misses), memory, and the key list. */
export async function benchScale(options: ScaleOptions): Promise<ScaleFigures> {
  const store = await createScaleStore(options);
  try {
    const keys = createKeySet(options.keys);
    const { owner, email } = await store.createOwner();
    const seed = await store.seed(keys, owner);
    const runs: CacheRun[] = [];
    let listPages: ScaleFigures["listPages"] | undefined;
    for (const cacheSize of options.cacheSizes) {
      const server = await startServer(
        store.url,
        { KEYWARD_KEY_CACHE_SIZE: String(cacheSize), KEYWARD_KEY_FAILURES_PER_MINUTE: "1000000" },
        { nodeArgs: options.nodeArgs },
      );
      try {
        runs.push(await verifyUniformly(server, keys, cacheSize, options));
        listPages ??= await walkKeyList(server, email, options.pages);
      } finally {
        await server.stop();
      }
    }
    return {
      backend: options.backend,
      keys: options.keys,
      seedSeconds: seed.seconds,
      runs,
      listPages: listPages ?? { pages: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN },
    };
  } finally {
    await store.drop();
  }
}

async function verifyUniformly(
  server: ServerProcess,
  keys: KeySet,
  cacheSize: number,
  options: ScaleOptions,
): Promise<CacheRun> {
  const pid = server.child.pid ?? 0;
  const baselineRss = memory(pid).rss;
  const load = (seconds: number) =>
    runLoad({
      url: `${server.url}/api/v1/key`,
      seconds,
      connections: options.connections,
      authorizationFor: () => `Bearer ${keys.secretFor(Math.floor(Math.random() * keys.count))}`,
      serverPid: pid,
    });
  // Fill: load until the cache is full, so from then on its bound is what limits memory.
  let fillSeconds = 0;
  let figures = await cacheFigures(server.url);
  while (figures.entries < cacheSize && fillSeconds < options.maxSeconds) {
    assertClean(await load(5));
    fillSeconds += 5;
    figures = await cacheFigures(server.url);
  }
  const rssWhenFull = memory(pid).rss;
  // Steady state: a full cache, keys still drawn from all of them (mostly misses), in phases
  // alternated with hot ones (keys drawn from a thousand cached ones) on the same server.
  const hot = (seconds: number) =>
    runLoad({
      url: `${server.url}/api/v1/key`,
      seconds,
      connections: options.connections,
      authorizationFor: () => `Bearer ${keys.secretFor(Math.floor(Math.random() * hotKeys))}`,
      serverPid: pid,
    });
  const rssSamples: number[] = [rssWhenFull];
  const heapSamples: { used: number; total: number }[] = [];
  const sampler = setInterval(() => rssSamples.push(memory(pid).rss), 100);
  const phases = 4;
  const phaseSeconds = Math.max(1, Math.round(options.seconds / phases));
  const cold: LoadResult[] = [];
  const warm: LoadResult[] = [];
  let coldCounts = { hits: 0, misses: 0 };
  let longestStallMs = 0;
  // Not pinned, unlike the limit: on one core V8's GC threads fall behind a heap this size, which
  // grows it (RSS per entry 365 → 1,857 B on SQLite) and lengthens its pauses.
  try {
    for (let phase = 0; phase < phases; phase++) {
      const start = await cacheFigures(server.url);
      const result = await load(phaseSeconds);
      assertClean(result);
      const end = await cacheFigures(server.url);
      heapSamples.push({ used: end.heapUsed, total: end.heapTotal });
      longestStallMs = Math.max(longestStallMs, end.loopDelayMaxMs);
      coldCounts = {
        hits: coldCounts.hits + end.hits - start.hits,
        misses: coldCounts.misses + end.misses - start.misses,
      };
      cold.push(result);
      // The cold phase may have evicted some of the thousand: a second's load caches them again.
      assertClean(await hot(1));
      const hotResult = await hot(phaseSeconds);
      assertClean(hotResult);
      warm.push(hotResult);
    }
  } finally {
    clearInterval(sampler);
  }
  const after = await cacheFigures(server.url);
  const steady = pooled(cold);
  const hotPooled = pooled(warm);
  const hits = coldCounts.hits;
  const misses = coldCounts.misses;
  return {
    cacheSize,
    fillSeconds,
    requestsPerSecond: steady.requestsPerSecond,
    latencyP50Ms: steady.latencyP50Ms,
    latencyP99Ms: steady.latencyP99Ms,
    hitRatio: hits / Math.max(1, hits + misses),
    entries: after.entries,
    baselineRss,
    rssWhenFull,
    heapUsedWhenFull: figures.heapUsed,
    heapTotalWhenFull: figures.heapTotal,
    rssWhileFull: median(rssSamples),
    heapUsedWhileFull: median(heapSamples.map((sample) => sample.used)),
    heapTotalWhileFull: median(heapSamples.map((sample) => sample.total)),
    peakRss: Math.max(...rssSamples, memory(pid).rss),
    serverCpu: steady.serverCpu,
    serverMicrosPerRequest: steady.serverMicrosPerRequest,
    hot: hotPooled,
    longestStallMs,
    pairs: cold.map((result, index) => ({
      cold: result.requestsPerSecond,
      hot: warm[index]?.requestsPerSecond ?? Number.NaN,
    })),
  };
}

/** Phases pooled: mean req/s, the worst phase's p50 and p99, CPU per request over all of them. */
function pooled(results: LoadResult[]) {
  const requests = results.reduce((sum, result) => sum + result.requestsPerSecond, 0);
  const micros = results.reduce(
    (sum, result) => sum + result.serverMicrosPerRequest * result.requestsPerSecond,
    0,
  );
  return {
    requestsPerSecond: requests / results.length,
    latencyP50Ms: Math.max(...results.map((result) => result.latencyP50Ms)),
    latencyP99Ms: Math.max(...results.map((result) => result.latencyP99Ms)),
    serverMicrosPerRequest: micros / Math.max(1, requests),
    serverCpu: results.reduce((sum, result) => sum + result.serverCpu, 0) / results.length,
  };
}

function assertClean(result: LoadResult): void {
  if (result.non2xx + result.errors > 0) {
    throw new Error(`${result.non2xx + result.errors} verifications failed during the scale run`);
  }
}

async function cacheFigures(url: string) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? Number.NaN);
  return {
    hits: read("keyward_key_cache_hits_total"),
    misses: read("keyward_key_cache_misses_total"),
    entries: read("keyward_key_cache_entries"),
    heapUsed: read("keyward_nodejs_heap_size_used_bytes"),
    heapTotal: read("keyward_nodejs_heap_size_total_bytes"),
    /** The longest event-loop delay since the previous scrape (prom-client resets it on each). */
    loopDelayMaxMs: read("keyward_nodejs_eventloop_lag_max_seconds") * 1000,
  };
}

/**
 * GET /console/api/keys?limit=50 following nextCursor, newest first and oldest first. (Cursors are
 * opaque since #9, so a walk can't start from a key id in the middle; keyset pages cost the same at
 * any depth.)
 */
async function walkKeyList(server: ServerProcess, email: string, pages: number) {
  const admin = await signInOverHttp(server.url, email);
  const latencies: number[] = [];
  const walk = async (sort: "-created" | "created", count: number) => {
    let cursor: string | null = null;
    for (let page = 0; page < count; page++) {
      const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const start = performance.now();
      const response = await admin.request("GET", `/console/api/keys?limit=50&sort=${sort}${query}`);
      const body = (await response.json()) as { items: unknown[]; nextCursor: string | null };
      latencies.push(performance.now() - start);
      if (response.status !== 200 || body.items?.length !== 50)
        throw new Error(
          `key list page ${page} failed: ${response.status} ${JSON.stringify(body).slice(0, 300)}`,
        );
      cursor = body.nextCursor;
    }
  };
  await walk("-created", Math.ceil(pages / 2));
  await walk("created", Math.floor(pages / 2));
  return {
    pages: latencies.length,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: Math.max(...latencies),
  };
}
