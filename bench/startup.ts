import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { median, percentile } from "./stats.js";

const root = resolve(import.meta.dirname, "..");
const bin = join(root, "bin/keyward.js");

export interface StartupRun {
  /** "compiled" (dist/, what production runs) or "sources" (TypeScript through tsx). */
  mode: "compiled" | "sources";
  helpMs: number[];
  listMs: number[];
  readyMs: number[];
}

export interface StartupFigures {
  runs: StartupRun[];
  summary: { mode: string; help: number; helpP90: number; list: number; listP90: number; ready: number }[];
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
    const runs: StartupRun[] = [];
    for (const mode of ["compiled", "sources"] as const) {
      const modeEnv = { ...env, KEYWARD_RUN_SOURCES: mode === "sources" ? "1" : "0" };
      const time = (args: string[]) => {
        const start = performance.now();
        execFileSync(process.execPath, [bin, ...args], { env: modeEnv, cwd: root, stdio: "ignore" });
        return performance.now() - start;
      };
      const run: StartupRun = { mode, helpMs: [], listMs: [], readyMs: [] };
      for (let i = 0; i < options.samples; i++) {
        run.helpMs.push(time(["--help"]));
        run.listMs.push(time(["keys", "list", "--account", account.account.id, "--json"]));
      }
      for (let i = 0; i < Math.min(5, options.samples); i++) {
        run.readyMs.push(await timeToReady(modeEnv, join(dir, `empty-${mode}-${i}.db`)));
      }
      runs.push(run);
    }
    return {
      runs,
      summary: runs.map((run) => ({
        mode: run.mode,
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
