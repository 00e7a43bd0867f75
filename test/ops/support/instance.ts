import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../../..");

/** One `node bin/keyward.js serve` process on a port of the test's choosing (kept across restarts). */
export interface Instance {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything written to stdout, one entry per line. */
  stdout(): string[];
  stderr(): string;
  /** SIGTERM; resolves with the exit code and how long the process took to exit. */
  stop(): Promise<{ code: number | null; ms: number }>;
}

/** The environment of a test process: ours without KEYWARD_*, PORT or HOST, plus `env`. */
export function instanceEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("KEYWARD_") && name !== "PORT" && name !== "HOST") clean[name] = value;
  }
  return { ...clean, HOST: "127.0.0.1", ...env };
}

/** Starts the process; resolves once /readyz answers 200, with how long that took. */
export async function startInstance(
  port: number,
  env: Record<string, string>,
  args: string[] = ["serve"],
): Promise<{ instance: Instance; readyMs: number }> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, ["bin/keyward.js", ...args], {
    cwd: root,
    env: instanceEnv({ PORT: String(port), ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    stderr += String(chunk);
  });
  const url = `http://127.0.0.1:${port}`;
  const instance: Instance = {
    url,
    port,
    child,
    stdout: () => stdout.split("\n").filter((line) => line.trim() !== ""),
    stderr: () => stderr,
    async stop() {
      const begun = performance.now();
      if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, ms: 0 };
      const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 40_000);
      const code = await exited;
      clearTimeout(timer);
      return { code, ms: performance.now() - begun };
    },
  };
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`keyward exited ${child.exitCode}:\n${stdout}\n${stderr}`);
    const status = await fetch(`${url}/readyz`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      await instance.stop();
      throw new Error(`keyward was not ready within 180 s:\n${stdout}\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { instance, readyMs: performance.now() - startedAt };
}

/** Parses the JSON log lines; a line that isn't JSON fails the test that reads it. */
export function logLines(lines: string[]): Array<{ level: number; msg: string; [field: string]: unknown }> {
  return lines.map((line) => {
    try {
      return JSON.parse(line);
    } catch {
      throw new Error(`stdout carried a line that is not JSON: ${line}`);
    }
  });
}
