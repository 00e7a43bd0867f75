/** Bench knobs, from the environment (the bench is a tool, not the app: it reads env directly). */
export interface BenchSettings {
  sections: string[];
  backends: ("sqlite" | "postgres")[];
  postgresUrl: string;
  keys: number;
  seconds: number;
  rounds: number;
  /** Steady-state verification load at scale, after the cache has filled. */
  scaleSeconds: number;
  connections: number;
  latencySamples: number;
  revocations: number;
  cacheSizes: number[];
  /** Node options for the scale section's server, e.g. "--heap-growing-percent=25" (space-separated). */
  scaleNodeArgs: string[];
  fillSeconds: number;
  pages: number;
  /** Runs of each CLI command for the start-up figures. */
  startupSamples: number;
  /** Section 6: distinct keys, each used once per `writePeriodSeconds`, in `writePairs` A/B pairs. */
  writeKeys: number;
  writePeriodSeconds: number;
  writePairs: number;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const number = (name: string, fallback: number) => {
    const value = Number(env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  const list = (name: string, fallback: string) =>
    (env[name] ?? fallback)
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean);
  const backends = list("BENCH_BACKENDS", "sqlite,postgres");
  for (const backend of backends) {
    if (backend !== "sqlite" && backend !== "postgres")
      throw new Error(`BENCH_BACKENDS: unknown "${backend}"`);
  }
  return {
    sections: list("BENCH_SECTIONS", "limit,propagation,scale,startup,writes"),
    backends: backends as BenchSettings["backends"],
    postgresUrl: env.BENCH_POSTGRES ?? env.KEYWARD_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432/test",
    keys: number("BENCH_KEYS", 1_000_000),
    seconds: number("BENCH_SECONDS", 2),
    rounds: number("BENCH_ROUNDS", 12),
    scaleSeconds: number("BENCH_SCALE_SECONDS", 10),
    connections: number("BENCH_CONNECTIONS", 10),
    latencySamples: number("BENCH_LATENCY_SAMPLES", 5_000),
    revocations: number("BENCH_REVOCATIONS", 150),
    cacheSizes: list("BENCH_CACHE_SIZES", "10000,100000").map(Number),
    scaleNodeArgs: (env.BENCH_SCALE_NODE_ARGS ?? "").split(" ").filter(Boolean),
    fillSeconds: number("BENCH_FILL_SECONDS", 90),
    pages: number("BENCH_PAGES", 400),
    startupSamples: number("BENCH_STARTUP_SAMPLES", 10),
    writeKeys: number("BENCH_WRITE_KEYS", 10_000),
    writePeriodSeconds: number("BENCH_WRITE_PERIOD_SECONDS", 60),
    writePairs: number("BENCH_WRITE_PAIRS", 2),
  };
}
