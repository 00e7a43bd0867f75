// `npm run bench`: every figure is a ratio or a distribution measured side by side in one run.
// Printed, and written to bench/results/latest.md and latest.json (for scripts) with the machine it ran
// on, after every section, so an interrupted run keeps what it measured. Knobs: bench/settings.ts; one
// section alone: `BENCH_SECTIONS=scale BENCH_BACKENDS=sqlite npm run bench`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { resolve } from "node:path";
import { createPostgresSchema } from "../test/support/postgres-schema.js";
import { cacheMemoryPerEntry } from "./cache-memory.js";
import { benchLimit } from "./limit.js";
import { describeMachine, loadAverage } from "./machine.js";
import { allCpus, pinningPlan, pinProcess } from "./pinning.js";
import { benchPropagation } from "./propagation.js";
import { type BenchResults, renderReport } from "./report.js";
import { benchScale } from "./scale.js";
import { readSettings } from "./settings.js";
import { benchStartup } from "./startup.js";
import { benchWrites } from "./writes.js";

const settings = readSettings();
const started = performance.now();
const pinning = pinningPlan(process.env.BENCH_PIN);
const results: BenchResults = {
  startedAt: new Date(),
  minutes: 0,
  machine: await describeMachine(settings.postgresUrl),
  settings,
  pinning,
  loadAverages: [loadAverage()],
  limit: [],
  scale: [],
  writes: [],
};
const note = (message: string) => process.stderr.write(`bench: ${message}\n`);
const directory = resolve(import.meta.dirname, "results");
const save = () => {
  results.minutes = (performance.now() - started) / 60_000;
  mkdirSync(directory, { recursive: true });
  // BENCH_RESULTS_NAME: another name for a partial run, so it doesn't replace the full run's files.
  const name = process.env.BENCH_RESULTS_NAME ?? "latest";
  writeFileSync(resolve(directory, `${name}.md`), renderReport(results));
  writeFileSync(resolve(directory, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
};

if (settings.sections.includes("limit")) {
  if (pinning) pinProcess(pinning.loadGenerator);
  for (const backend of settings.backends) {
    note(`1-2. limit and added latency on ${backend}`);
    const scratch = await scratchDatabase(backend);
    try {
      const figures = await benchLimit({
        ...settings,
        backend,
        databaseUrl: scratch.url,
        serverCpu: pinning?.server,
      });
      results.limit.push(figures);
      for (const run of figures.runs) {
        note(
          `   pipelining ${run.pipelining}: ratio ${run.medianRatio.toFixed(3)}, CPU ratio ${run.cpuRatio.toFixed(3)}`,
        );
      }
    } finally {
      await scratch.drop();
    }
    results.loadAverages.push(loadAverage());
    save();
  }
  if (pinning) pinProcess(allCpus());
}
if (settings.sections.includes("propagation") && settings.backends.includes("postgres")) {
  note(`3. revocation propagation, ${settings.revocations} revocations`);
  const figures = await benchPropagation(settings);
  results.propagation = figures;
  note(`   p50 ${figures.allDelays.p50.toFixed(1)} ms, p99 ${figures.allDelays.p99.toFixed(1)} ms`);
  results.loadAverages.push(loadAverage());
  save();
}
if (settings.sections.includes("scale")) {
  const [small = 10_000, large = 100_000] = settings.cacheSizes;
  results.cacheMemory = cacheMemoryPerEntry(small, large);
  note(`4. cache memory: ${results.cacheMemory.heapBytesPerEntry.toFixed(0)} heap bytes per entry`);
  for (const backend of settings.backends) {
    note(`4. scale on ${backend}: seeding ${settings.keys} keys`);
    const { scaleSeconds, fillSeconds } = settings;
    results.scale.push(
      await benchScale({
        ...settings,
        backend,
        seconds: scaleSeconds,
        maxSeconds: fillSeconds,
        nodeArgs: settings.scaleNodeArgs,
      }),
    );
    results.loadAverages.push(loadAverage());
    save();
  }
}
if (settings.sections.includes("startup")) {
  note("5. start-up: keyward --help, keyward keys list, keyward serve to ready");
  results.startup = await benchStartup({ samples: settings.startupSamples });
  for (const row of results.startup.summary) {
    note(
      `   ${row.mode}: node alone ${row.node.toFixed(0)} ms, --help ${row.help.toFixed(0)} ms, keys list ${row.list.toFixed(0)} ms, ready ${row.ready.toFixed(0)} ms`,
    );
  }
  results.loadAverages.push(loadAverage());
  save();
}
if (settings.sections.includes("writes")) {
  for (const backend of settings.backends) {
    note(
      `6. writes on ${backend}: ${settings.writeKeys} keys, each used once per ${settings.writePeriodSeconds} s`,
    );
    const figures = await benchWrites({
      backend,
      postgresUrl: settings.postgresUrl,
      keys: settings.writeKeys,
      periodSeconds: settings.writePeriodSeconds,
      pairs: settings.writePairs,
    });
    results.writes.push(figures);
    note(`   added ${(figures.addedCoreShare * 100).toFixed(2)} % of a core`);
    results.loadAverages.push(loadAverage());
    save();
  }
}

save();
process.stdout.write(`${renderReport(results)}\n`);

/** A fresh SQLite file or PostgreSQL schema for the limit server. */
async function scratchDatabase(backend: "sqlite" | "postgres") {
  if (backend === "postgres")
    return createPostgresSchema(settings.postgresUrl, `kw_bench_limit_${process.pid}`);
  const directory = mkdtempSync(resolve(tmpdir(), "keyward-bench-"));
  return {
    url: resolve(directory, "keyward.db"),
    drop: async () => rmSync(directory, { recursive: true, force: true }),
  };
}
