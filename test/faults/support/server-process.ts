import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { resolve } from "node:path";

const root = resolve(import.meta.dirname, "../../..");

/** A `node bin/keyward.js serve` child on 127.0.0.1 and a free port, as an operator would run it. */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process wrote, for the failure message. */
  output(): string;
  /** True while the process is running. */
  isAlive(): boolean;
  /** SIGKILL: no shutdown hook, no flush — a power cut as far as the process is concerned. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (the graceful path, for clean-up). */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Starts the server and resolves once GET /readyz answers 200 (migrations done, listening). */
export async function startServer(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["bin/keyward.js", "serve"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      KEYWARD_DATABASE: databaseUrl,
      PORT: String(port),
      HOST: "127.0.0.1",
      KEYWARD_LOG_LEVEL: process.env.KEYWARD_FAULT_LOG_LEVEL ?? "warn",
      // The fault tests present many revoked keys from 127.0.0.1 on purpose.
      KEYWARD_KEY_FAILURES_PER_MINUTE: "1000000",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on("data", (chunk) => {
    output += String(chunk);
  });
  const exited = once(child, "exit");
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url,
    child,
    output: () => output,
    isAlive: () => child.exitCode === null && child.signalCode === null,
    async kill9() {
      if (!server.isAlive()) return;
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (!server.isAlive()) return;
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (server.isAlive()) await server.kill9();
    },
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (!server.isAlive()) throw new Error(`keyward serve exited during start-up:\n${output}`);
    if (await isReady(url)) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.kill9();
  throw new Error(`keyward serve was not ready within 30 s:\n${output}`);
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

export async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}
