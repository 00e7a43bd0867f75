import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median, percentile } from "./stats.js";

const root = resolve(import.meta.dirname, "..");
const bin = join(root, "bin/keyward.js");

/**
 * "compiled": dist/ as production runs it (NODE_ENV=production, as the image and the systemd unit set);
 * "compiled, no extra CA file": the same without NODE_EXTRA_CA_CERTS, measured only when the environment
 * sets it (Node then reads and parses that certificate file before running anything);
 * "sources": TypeScript through tsx, as a checkout whose build is stale runs.
 */
export type StartupMode = "compiled" | "compiled, no extra CA file" | "sources";

export interface StartupRun {
  mode: StartupMode;
  /** `node` running an empty ES module in the same environment: the floor no CLI can go under. */
  nodeMs: number[];
  helpMs: number[];
  listMs: number[];
  readyMs: number[];
}

export interface StartupFigures {
  /** NODE_EXTRA_CA_CERTS as the bench found it, if set. */
  extraCaFile: string | undefined;
  runs: StartupRun[];
  summary: {
    mode: StartupMode;
    node: number;
    help: number;
    helpP90: number;
    list: number;
    listP90: number;
    ready: number;
  }[];
}

/** 5: how long `keyward --help`, `keyward keys list` and `keyward serve` (to a 200 from /readyz) take. */
export async function benchStartup(options: { samples: number }): Promise<StartupFigures> {
  // The compiled build is what production runs; make it if this checkout has none (or an old one).
  execFileSync(process.execPath, ["--import", "tsx", "scripts/build-server.ts"], {
    cwd: root,
    stdio: "inherit",
  });
  if (!existsSync(join(root, "dist/server/main.js")))
    throw new Error("npm run build emitted no dist/server/main.js");
  const dir = mkdtempSync(join(tmpdir(), "keyward-bench-startup-"));
  try {
    const database = join(dir, "keyward.db");
    const env = { ...process.env, KEYWARD_DATABASE: database, KEYWARD_LOG_LEVEL: "warn" };
    // Only `migrate` and `serve` migrate; every other command expects the schema in place.
    execFileSync(process.execPath, [bin, "migrate"], { env, cwd: root, stdio: "ignore" });
    const account = JSON.parse(
      execFileSync(
        process.execPath,
        [
          bin,
          "accounts",
          "create",
          "--name",
          "Startup Marketplace",
          "--admin-email",
          "admin@example.test",
        ].concat(["--admin-password", "correct-horse-battery-staple", "--json"]),
        { env, cwd: root },
      ).toString(),
    ) as { account: { id: string } };
    const emptyModule = join(dir, "empty.mjs");
    writeFileSync(emptyModule, "");
    const extraCaFile = process.env.NODE_EXTRA_CA_CERTS || undefined;
    const modes: StartupMode[] = ["compiled", "sources"];
    if (extraCaFile !== undefined) modes.splice(1, 0, "compiled, no extra CA file");
    const runs: StartupRun[] = [];
    for (const mode of modes) {
      const modeEnv: NodeJS.ProcessEnv =
        mode === "sources"
          ? { ...env, KEYWARD_RUN_SOURCES: "1" }
          : { ...env, KEYWARD_RUN_SOURCES: "0", NODE_ENV: "production" };
      if (mode === "compiled, no extra CA file") delete modeEnv.NODE_EXTRA_CA_CERTS;
      const time = (args: string[]) => {
        const start = performance.now();
        execFileSync(process.execPath, args, { env: modeEnv, cwd: root, stdio: "ignore" });
        return performance.now() - start;
      };
      const run: StartupRun = { mode, nodeMs: [], helpMs: [], listMs: [], readyMs: [] };
      for (let i = 0; i < options.samples; i++) {
        run.nodeMs.push(time([emptyModule]));
        run.helpMs.push(time([bin, "--help"]));
        run.listMs.push(time([bin, "keys", "list", "--account", account.account.id, "--json"]));
      }
      for (let i = 0; i < Math.min(5, options.samples); i++) {
        run.readyMs.push(await timeToReady(modeEnv, join(dir, `empty-${mode}-${i}.db`)));
      }
      runs.push(run);
    }
    return {
      extraCaFile,
      runs,
      summary: runs.map((run) => ({
        mode: run.mode,
        node: median(run.nodeMs),
        help: median(run.helpMs),
        helpP90: percentile(run.helpMs, 0.9),
        list: median(run.listMs),
        listP90: percentile(run.listMs, 0.9),
        ready: median(run.readyMs),
      })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `keyward serve` on an empty database, from spawn to the first 200 from /readyz. */
async function timeToReady(env: NodeJS.ProcessEnv, database: string): Promise<number> {
  const port = await freePort();
  const start = performance.now();
  const child = spawn(process.execPath, [bin, "serve"], {
    cwd: root,
    env: { ...env, KEYWARD_DATABASE: database, PORT: String(port), HOST: "127.0.0.1" },
    stdio: "ignore",
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`keyward serve exited (${child.exitCode})`);
      const status = await fetch(`http://127.0.0.1:${port}/readyz`)
        .then((response) => response.status)
        .catch(() => 0);
      if (status === 200) return performance.now() - start;
      if (performance.now() - start > 60_000) throw new Error("keyward serve was not ready within 60 s");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } finally {
    const exited = new Promise((done) => child.once("exit", done));
    child.kill("SIGTERM");
    await exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => done(port));
    });
  });
}
