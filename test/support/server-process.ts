import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

// The one way tests start real `keyward serve` processes: as an operator would, on a free port, ready
// once GET /readyz answers 200. Used by the CLI, fault, concurrency and scale tests and by bench/.

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/keyward.js", import.meta.url));

export interface ServerProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote so far, for failure messages. */
  output(): string;
  /** True while the process is running. */
  isAlive(): boolean;
  /** SIGKILL: no shutdown hook, no flush — a power cut as far as the process is concerned. */
  kill9(): Promise<void>;
  /** SIGTERM (SIGKILL after 10 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface StartOptions {
  /** Listen on this port instead of a free one (to restart an instance where it was). */
  port?: number;
  /** How long start-up may take before the test fails; 60 s by default. */
  readyTimeoutMs?: number;
  /** Options for node itself, e.g. --cpu-prof for a profile. */
  nodeArgs?: string[];
}

/** The child's environment: ours without any KEYWARD_* setting, plus the database and what the test adds. */
export function keywardEnv(databaseUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("KEYWARD_") && name !== "PORT" && name !== "HOST") env[name] = value;
  }
  return { ...env, NO_COLOR: "1", KEYWARD_DATABASE: databaseUrl, ...extra };
}

/** Starts `node bin/keyward.js serve` and resolves once /readyz answers 200 (migrated, listening). */
export async function startServer(
  databaseUrl: string,
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<ServerProcess> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), bin, "serve"], {
    cwd: repoRoot,
    env: keywardEnv(databaseUrl, {
      PORT: String(port),
      HOST: "127.0.0.1",
      KEYWARD_LOG_LEVEL: "warn",
      // No drain window: stop() is a test's clean-up. A test of draining sets its own.
      KEYWARD_DRAIN_SECONDS: "0",
      ...env,
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Never leave a server behind if the test process dies mid-run.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = once(child, "exit").finally(() => process.off("exit", killOnExit));
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const isAlive = () => child.exitCode === null && child.signalCode === null;
  const server: ServerProcess = {
    url,
    port,
    child,
    output: () => output,
    isAlive,
    async kill9() {
      if (!isAlive()) return;
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (isAlive()) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      return child.exitCode;
    },
  };
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`keyward serve exited during start-up (${child.exitCode}):\n${output}`);
    if (await isReady(url)) return server;
    await new Promise((wake) => setTimeout(wake, 50));
  }
  await server.kill9();
  throw new Error(`keyward serve was not ready within ${timeoutMs / 1000} s:\n${output}`);
}

export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  await new Promise((closed) => probe.close(closed));
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

export async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** GET /readyz as text (status and body), for failure messages. */
export async function describeReadiness(url: string): Promise<string> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    return `${response.status} ${await response.text()}`;
  } catch (error) {
    return `no answer: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Polls until `check` holds; returns the milliseconds it took. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 5,
): Promise<number> {
  const start = performance.now();
  while (!(await check())) {
    if (performance.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((wake) => setTimeout(wake, intervalMs));
  }
  return performance.now() - start;
}
