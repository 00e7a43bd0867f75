import { spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

const repoRoot = resolve(import.meta.dirname, "..");

export interface BenchServer {
  url: string;
  secret: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts bench/bench-server.ts in its own process and waits for its ready line. */
export async function startBenchServer(databaseUrl: string, cpu?: string): Promise<BenchServer> {
  const command = [process.execPath, "--import", "tsx", "bench/bench-server.ts"];
  const pinned = cpu === undefined ? command : ["taskset", "-c", cpu, ...command];
  const child = spawn(pinned[0] ?? "", pinned.slice(1), {
    cwd: repoRoot,
    env: { ...process.env, KEYWARD_DATABASE: databaseUrl, KEYWARD_KEY_FAILURES_PER_MINUTE: "1000000" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  if (!child.stdout) throw new Error("bench server has no stdout");
  const lines = createInterface({ input: child.stdout });
  const [line] = (await Promise.race([
    once(lines, "line"),
    once(child, "exit").then(([code]) => {
      throw new Error(`bench server exited with ${code}`);
    }),
  ])) as [string];
  const ready = JSON.parse(line) as { port: number; secret: string; pid: number };
  return {
    url: `http://127.0.0.1:${ready.port}`,
    secret: ready.secret,
    pid: ready.pid,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    },
  };
}
