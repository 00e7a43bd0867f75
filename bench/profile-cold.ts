// `npm run bench:profile`: where the cold path's time goes. Seeds BENCH_KEYS keys (1,000,000) into a
// SQLite file (or a PostgreSQL schema with BENCH_BACKENDS=postgres), runs `keyward serve` under
// `node --cpu-prof`, drives it with keys drawn uniformly at random for BENCH_SCALE_SECONDS, and prints
// the top frames by self time and by total time. The .cpuprofile is kept (open it in Chrome DevTools
// or speedscope for the flame graph); its path is printed.
// BENCH_PROFILE_DATABASE=/path/keyward.db keeps the seeded SQLite file and reuses it on the next run.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startServer } from "../test/support/server-process.js";
import { runLoad } from "./load.js";
import { summarizeProfile } from "./profile-summary.js";
import { createScaleStore, type ScaleStore } from "./scale-store.js";
import { createKeySet, type KeySet } from "./seed-keys.js";
import { readSettings } from "./settings.js";

const settings = readSettings();
const warmUpSeconds = Number(process.env.BENCH_PROFILE_WARM_UP_SECONDS ?? 20);
const backend = settings.backends[0] ?? "sqlite";
const profileDir = mkdtempSync(join(tmpdir(), "keyward-profile-"));
const kept = backend === "sqlite" ? process.env.BENCH_PROFILE_DATABASE : undefined;
const { url, keys, drop } = await seededDatabase();
try {
  const server = await startServer(
    url,
    { KEYWARD_KEY_FAILURES_PER_MINUTE: "1000000" },
    { nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] },
  );
  const pid = server.child.pid ?? 0;
  const drive = (seconds: number) =>
    runLoad({
      url: `${server.url}/api/v1/key`,
      seconds,
      connections: settings.connections,
      authorizationFor: () => `Bearer ${keys.secretFor(Math.floor(Math.random() * keys.count))}`,
      serverPid: pid,
    });
  // Warm-up: start-up work (the known-keys filter reads every hash) is not the cold path.
  await drive(warmUpSeconds);
  const load = await drive(settings.scaleSeconds);
  const stoppingAt = performance.now();
  await server.stop();
  const stopMs = performance.now() - stoppingAt;
  process.stderr.write(
    `profile: ${Math.round(load.requestsPerSecond)} req/s, p50 ${load.latencyP50Ms} ms, p99 ${load.latencyP99Ms} ms, ` +
      `${load.serverMicrosPerRequest.toFixed(1)} µs server CPU per request, non-2xx ${load.non2xx}\n`,
  );
  const file = readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"));
  if (file === undefined) throw new Error("the server wrote no CPU profile");
  const path = resolve(profileDir, file);
  process.stdout.write(
    `${summarizeProfile(JSON.parse(readFileSync(path, "utf8")), 25, settings.scaleSeconds * 1000 - 500, stopMs + 200)}\nprofile: ${path}\n`,
  );
} finally {
  await drop();
}

async function seededDatabase(): Promise<{ url: string; keys: KeySet; drop(): Promise<void> }> {
  const saltFile = `${kept}.salt`;
  if (kept !== undefined && existsSync(kept) && existsSync(saltFile)) {
    const keys = createKeySet(settings.keys, readFileSync(saltFile, "utf8").trim());
    return { url: kept, keys, drop: async () => {} };
  }
  const store: ScaleStore = await createScaleStore({
    backend,
    postgresUrl: settings.postgresUrl,
    path: kept,
  });
  const keys = createKeySet(settings.keys);
  const { owner } = await store.createOwner();
  const seed = await store.seed(keys, owner);
  process.stderr.write(
    `profile: ${settings.keys} keys seeded on ${backend} in ${seed.seconds.toFixed(1)} s\n`,
  );
  if (kept !== undefined) {
    writeFileSync(saltFile, keys.salt);
    return { url: store.url, keys, drop: async () => {} };
  }
  return { url: store.url, keys, drop: () => store.drop() };
}
