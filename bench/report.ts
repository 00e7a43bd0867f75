import type { CacheMemoryFigures } from "./cache-memory.js";
import type { LimitFigures } from "./limit.js";
import type { Machine } from "./machine.js";
import type { PropagationFigures } from "./propagation.js";
import type { CacheRun, ScaleFigures } from "./scale.js";
import type { BenchSettings } from "./settings.js";
import type { StartupFigures } from "./startup.js";
import { formatMiB, formatMs, formatNumber, median } from "./stats.js";
import type { WritesFigures } from "./writes.js";

export interface BenchResults {
  startedAt: Date;
  minutes: number;
  machine: Machine;
  settings: BenchSettings;
  /** Where the limit runs pinned the server and the load generator (Linux taskset), if they were. */
  pinning: { server: string; loadGenerator: string } | null;
  /** 1-minute load average before and after each section: noise from anything else on the machine. */
  loadAverages: string[];
  limit: LimitFigures[];
  propagation?: PropagationFigures;
  scale: ScaleFigures[];
  /** The verification cache alone: heap per entry after a full GC. */
  cacheMemory?: CacheMemoryFigures;
  startup?: StartupFigures;
  writes: WritesFigures[];
}

const verdict = (isMet: boolean) => (isMet ? "met" : "NOT met");

export function renderReport(results: BenchResults): string {
  const { machine, settings } = results;
  return [
    "# Keyward benchmark",
    "",
    `Run ${results.startedAt.toISOString()} · ${results.minutes.toFixed(1)} min · \`npm run bench\``,
    "",
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB · Node ${machine.node} · ` +
      `PostgreSQL ${machine.postgres} · SQLite ${machine.sqlite}`,
    `Load average (1 min) around sections: ${results.loadAverages.join(" → ")}`,
    "",
    `Settings: ${settings.connections} connections, ${settings.seconds} s runs, ${settings.rounds} A/B pairs, ` +
      `${formatNumber(settings.keys)} keys, cache sizes ${settings.cacheSizes.join(" / ")}. ` +
      "Load generator (autocannon) in the bench process, every server in its own process" +
      (results.pinning
        ? `; for the limit, server pinned to CPU ${results.pinning.server} and load generator to CPU ${results.pinning.loadGenerator}.`
        : "."),
    "Servers log at `warn` (per-request logging would measure pino, not Keyward).",
    // Older result files have no such setting.
    ...((settings.scaleNodeArgs ?? []).length > 0
      ? [
          `Scale servers ran with Node options \`${settings.scaleNodeArgs.join(" ")}\` (BENCH_SCALE_NODE_ARGS).`,
        ]
      : []),
    "",
    ...renderLimit(results.limit),
    ...renderLatency(results.limit),
    ...renderPropagation(results.propagation),
    ...renderScale(results.scale),
    ...renderCacheMemory(results.cacheMemory),
    ...renderStartup(results.startup),
    ...renderWrites(results.writes ?? []),
  ].join("\n");
}

function renderLimit(figures: LimitFigures[]): string[] {
  if (figures.length === 0) return [];
  const rows = figures.flatMap((f) =>
    f.runs.map((run) => {
      const share = run.pairs.flatMap((p) => [p.open.serverCpu, p.authenticated.serverCpu]);
      return [
        f.backend,
        run.pipelining === 1 ? "1" : `${run.pipelining} (pipelined)`,
        formatNumber(run.openRps),
        formatNumber(run.authenticatedRps),
        `**${run.medianRatio.toFixed(3)}**`,
        run.pooledRatio.toFixed(3),
        `${run.openMicros.toFixed(1)} → ${run.authenticatedMicros.toFixed(1)}`,
        run.cpuRatio.toFixed(3),
        `${Math.min(...share).toFixed(2)}–${Math.max(...share).toFixed(2)}`,
        verdict(run.medianRatio >= 0.9),
        verdict(run.medianRatio >= 0.97),
      ];
    }),
  );
  return [
    "## 1. The limit: the same handler with and without key verification",
    "",
    "Same server, same handler: `/bench/ping` unauthenticated and `/api/v1/bench/ping` behind the production",
    "API-key hook (`registerApiKeyAuth`) with a valid, cached key carrying every check: a Manager's key within",
    "a permission ceiling, with an expiry, a 10-entry IP allowlist and a 1,000,000/s rate limit, usage counting on;",
    "both declare a permission, as marketplace",
    "routes do. Runs alternate open/auth, auth/open, … and the ratio is the median over the pairs. Server",
    "µs/req is the server's CPU time per request (/proc), and the CPU ratio is open µs over authenticated µs:",
    "the ratio the server would show on a core of its own. Server CPU share: the fraction of a core it got.",
    "",
    "| Backend | requests in flight per connection | open req/s | authenticated req/s | ratio | ratio (pooled) | server µs/req | CPU ratio | server CPU share | target ≥ 0.90 | target ≥ 0.97 (#15) |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
    "",
    "Pairs (open / authenticated req/s):",
    "",
    ...figures.flatMap((f) =>
      f.runs.map(
        (run) =>
          `- ${f.backend}, ${run.pipelining} in flight: ${run.pairs.map((p) => `${formatNumber(p.open.requestsPerSecond)} / ${formatNumber(p.authenticated.requestsPerSecond)}`).join(", ")}`,
      ),
    ),
    "",
  ];
}

function renderLatency(figures: LimitFigures[]): string[] {
  if (figures.length === 0) return [];
  return [
    "## 2. Added latency of verification",
    "",
    "One kept-alive connection, requests one at a time, alternating open/authenticated request by request.",
    "",
    "| Backend | open p50 | authenticated p50 | added p50 | open p99 | authenticated p99 | added p99 |",
    "|---|---:|---:|---:|---:|---:|---:|",
    ...figures.map(({ backend, latency: l }) => {
      return `| ${backend} | ${formatMs(l.openP50)} | ${formatMs(l.authenticatedP50)} | ${formatMs(l.authenticatedP50 - l.openP50)} | ${formatMs(l.openP99)} | ${formatMs(l.authenticatedP99)} | ${formatMs(l.authenticatedP99 - l.openP99)} |`;
    }),
    "",
  ];
}

function renderPropagation(figures: PropagationFigures | undefined): string[] {
  if (!figures) return [];
  const all = figures.allDelays;
  const stale = (figures.byKind ?? []).reduce((sum, k) => sum + k.staleAnswers, 0);
  return [
    "## 3. Changes reaching every instance: 3 PostgreSQL instances (LISTEN/NOTIFY, acknowledged)",
    "",
    `${figures.revocations} changes, in turn: a revoke and an allowlist edit (to an address the bench doesn't`,
    "use) through instance A's console API, and the same two through the CLI (timed from its exit). After",
    "each change's response, B and C are polled back to back until they refuse the key; the figure includes",
    "one polling round trip. Stale answers: requests B or C accepted after the response (must be 0).",
    "",
    "| Change | changes | p50 | p99 | max | stale answers |",
    "|---|---:|---:|---:|---:|---:|",
    ...(figures.byKind ?? []).map(
      (k) =>
        `| ${k.kind} | ${k.changes} | ${formatMs(k.p50)} | ${formatMs(k.p99)} | ${formatMs(k.max)} | ${k.staleAnswers} |`,
    ),
    ...figures.delaysMs.map(
      (d) => `| all, on ${d.instance} | | ${formatMs(d.p50)} | ${formatMs(d.p99)} | ${formatMs(d.max)} | |`,
    ),
    `| all, B and C | ${figures.revocations} | ${formatMs(all.p50)} | ${formatMs(all.p99)} | ${formatMs(all.max)} | |`,
    ...(figures.pollRoundTrip
      ? [
          `| one poll with a valid key, no change (the floor) | | ${formatMs(figures.pollRoundTrip.p50)} | ${formatMs(figures.pollRoundTrip.p99)} | ${formatMs(figures.pollRoundTrip.max)} | |`,
        ]
      : []),
    "",
    `With no stale answer, every change had reached B and C before its response: each delay is then the first poll's own round trip. Stale answers in all: ${stale}.`,
    `Target p99 ≤ 10 ms (#15): ${verdict(stale === 0 || all.p99 <= 10)}. Instance A accepted the key after its own change's response: ` +
      `${figures.acceptedOnA} times. Mean pg_notify → receipt lag measured by B and C: ${formatMs(figures.meanNotificationLagMs)}.`,
    "",
  ];
}

function renderScale(figures: ScaleFigures[]): string[] {
  if (figures.length === 0) return [];
  return [
    "## 4. Scale: keys drawn uniformly from all of them",
    "",
    "`keyward serve`, GET /api/v1/key with a key drawn uniformly at random per request (mostly cache misses).",
    "The cache is filled first; the figures are the steady state that follows, the full cache still taking misses:",
    "four cold phases alternated with four hot ones on the same server, under the same load, with keys drawn from",
    "1,000 cached ones — the hot path measured side by side. Not pinned (a pinned server's GC threads share its",
    "core). req/s: mean of the phases; p50 / p99: the worst phase's. Longest stall: the longest the",
    "event loop was held in a cold phase (its /metrics) — what open traffic would wait, which a closed-loop",
    "load generator's p99 hides.",
    "",
    "| Backend | keys | seeding | cache size | entries | cold req/s | hot req/s | cold / hot | hit ratio | p50 / p99 | server µs/req cold / hot | longest stall | RSS at start | RSS when full / median while full | peak RSS after | target ≥ 12,000 req/s | target ≥ 0.33 × hot | target p99 ≤ 5 ms |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|",
    ...figures.flatMap((f) =>
      f.runs.map((r) => {
        // Older result files have no hot phases.
        const hot = r.hot ?? { requestsPerSecond: Number.NaN, serverMicrosPerRequest: Number.NaN };
        const ratio = r.requestsPerSecond / hot.requestsPerSecond;
        return `| ${f.backend} | ${formatNumber(f.keys)} | ${f.seedSeconds.toFixed(1)} s | ${formatNumber(r.cacheSize)} | ${formatNumber(r.entries)} | ${formatNumber(r.requestsPerSecond)} | ${formatNumber(hot.requestsPerSecond)} | ${ratio.toFixed(2)} | ${(r.hitRatio * 100).toFixed(1)} % | ${r.latencyP50Ms} / ${r.latencyP99Ms} ms | ${formatNumber(r.serverMicrosPerRequest ?? Number.NaN, 1)} / ${formatNumber(hot.serverMicrosPerRequest, 1)} | ${formatNumber(r.longestStallMs ?? Number.NaN)} ms | ${formatMiB(r.baselineRss)} | ${formatMiB(r.rssWhenFull)} / ${formatMiB(r.rssWhileFull)} | ${formatMiB(r.peakRss)} | ${verdict(r.requestsPerSecond >= 12_000)} | ${verdict(ratio >= 0.33)} | ${verdict(r.latencyP99Ms <= 5)} |`;
      }),
    ),
    "",
    ...figures.flatMap((f) => marginalRss(f)),
    "",
    "Key list: GET /console/api/keys?limit=50 as the Administrator of the account owning every key, following",
    "nextCursor from the newest key and from the middle of the list.",
    "",
    "| Backend | pages | p50 | p99 | max | target p99 ≤ 50 ms |",
    "|---|---:|---:|---:|---:|---|",
    ...figures.map(
      (f) =>
        `| ${f.backend} | ${f.listPages.pages} | ${formatMs(f.listPages.p50)} | ${formatMs(f.listPages.p99)} | ${formatMs(f.listPages.max)} | ${verdict(f.listPages.p99 <= 50)} |`,
    ),
    "",
  ];
}

/** RSS per cache entry between the smallest and the largest cache: what KEYWARD_KEY_CACHE_SIZE costs. */
function marginalRss(figures: ScaleFigures): string[] {
  const runs = [...figures.runs].sort((a, b) => a.cacheSize - b.cacheSize);
  const small = runs[0];
  const large = runs.at(-1);
  if (!small || !large || large.cacheSize === small.cacheSize) return [];
  const entries = large.entries - small.entries;
  const per = (of: (run: CacheRun) => number) => (of(large) - of(small)) / entries;
  // Older result files have only the instant the cache filled.
  const hasMedians = Number.isFinite(per((run) => run.rssWhileFull));
  const perEntry = hasMedians ? per((run) => run.rssWhileFull) : per((run) => run.rssWhenFull);
  const heapUsed = hasMedians ? per((run) => run.heapUsedWhileFull) : per((run) => run.heapUsedWhenFull);
  const heapTotal = hasMedians ? per((run) => run.heapTotalWhileFull) : per((run) => run.heapTotalWhenFull);
  const heap = Number.isFinite(heapUsed)
    ? ` Of it, V8's heap in use: ${formatNumber(heapUsed)} bytes per entry; reserved by the heap: ${formatNumber(heapTotal)}.`
    : "";
  const measured = hasMedians
    ? `median RSS while full, sampled every 100 ms through the steady state; at the instant each cache filled: ${formatNumber(per((run) => run.rssWhenFull))} bytes`
    : "RSS when full";
  return [
    `- ${figures.backend}: ${formatNumber(perEntry)} bytes of RSS per cache entry (${measured}; ` +
      `${formatNumber(small.cacheSize)} → ${formatNumber(large.cacheSize)} entries); ${formatNumber(figures.keys)} keys in the ` +
      `database don't enter into it. Target ≤ 512 bytes: ${verdict(perEntry <= 512)}.${heap}`,
  ];
}

function renderStartup(figures: StartupFigures | undefined): string[] {
  if (figures === undefined) return [];
  const label = {
    compiled: "compiled JavaScript (dist/), NODE_ENV=production",
    "compiled, no extra CA file": "the same, without NODE_EXTRA_CA_CERTS",
    sources: "TypeScript through tsx",
  } as const;
  const rows = figures.summary.map((row) => {
    const isCompiled = row.mode !== "sources";
    return [
      label[row.mode],
      `${row.node.toFixed(0)} ms`,
      `${row.help.toFixed(0)} ms (p90 ${row.helpP90.toFixed(0)})`,
      `${row.list.toFixed(0)} ms (p90 ${row.listP90.toFixed(0)})`,
      `${row.ready.toFixed(0)} ms`,
      isCompiled ? `${verdict(row.help <= 150)} / ${verdict(row.list <= 150)}` : "",
      isCompiled ? verdict(row.ready <= 1000) : "",
    ];
  });
  return [
    "",
    "## 5. Start-up",
    "",
    "Wall time from spawning `node bin/keyward.js` to its exit (`--help`; `keys list --account … --json` on",
    "an SQLite database with one account), and from spawning `keyward serve` on an empty database to its",
    "first 200 from /readyz (medians). Compiled: `npm run build` output, what `npm start` and the `bin` run.",
    "Node alone: `node` running an empty ES module in the same environment, the floor under every command.",
    ...(figures.extraCaFile === undefined
      ? []
      : [
          `This environment sets NODE_EXTRA_CA_CERTS=${figures.extraCaFile}: Node reads and parses that`,
          "file before it runs any code, so the compiled runs are also measured without it.",
        ]),
    "",
    "| Runs | Node alone | --help | keys list | serve to ready | target CLI ≤ 150 ms (help / list) | target ready ≤ 1 s |",
    "|---|---:|---:|---:|---:|---|---|",
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
}

function renderWrites(figures: WritesFigures[]): string[] {
  if (figures.length === 0) return [];
  const percent = (share: number) => `${(share * 100).toFixed(2)} %`;
  return [
    "",
    "## 6. Recording last use and usage for many distinct keys",
    "",
    "`keyward serve` at one request rate — N keys each used once a minute — with every request using a",
    "different key, and with every request using one key; both cache hits (every key was verified once",
    "before). The difference in the server's CPU is what recording N distinct keys costs (last-used and",
    "usage batches, flushed every 10 s). Halves of a minute, alternated; medians over the pairs.",
    "",
    "| Backend | keys | req/s | CPU, each key once | CPU, one key | added by distinct keys | target added < 2 % of a core |",
    "|---|---:|---:|---:|---:|---:|---|",
    ...figures.map((f) => {
      const singleMedian = median(f.phases.filter((p) => p.keysUsed === "one key").map((p) => p.serverCpu));
      return `| ${f.backend} | ${formatNumber(f.keys)} | ${f.requestsPerSecond.toFixed(0)} | ${percent(f.distinctCoreShare)} | ${percent(singleMedian)} | ${percent(f.addedCoreShare)} | ${verdict(f.addedCoreShare < 0.02)} |`;
    }),
    "",
  ];
}

function renderCacheMemory(figures: CacheMemoryFigures | undefined): string[] {
  if (!figures) return [];
  return [
    `Cache alone: ${formatNumber(figures.heapBytesPerEntry)} bytes of heap per entry at ${formatNumber(figures.largeEntries)} entries, after a full GC`,
    "(`bench/cache-memory.ts`: the real cache-miss reader and cache, rows with fresh strings as the driver returns",
    "them; each entry evaluated once, keyed as the verifier keys it). RSS per entry above adds what the server",
    "holds besides the cache while keys pour in — pending usage and last-used rows, garbage not yet collected —",
    "and the heap's headroom: V8 lets the heap grow to a multiple (1.1–4×) of what survived its last full GC,",
    "higher the faster long-lived objects are allocated, and a cache taking misses replaces entries all the time.",
    "",
  ];
}
