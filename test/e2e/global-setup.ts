import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databasePath: string;
  }
}

const repoRoot = resolve(import.meta.dirname, "../..");

/** Starts `keyward serve --demo` on a fresh SQLite file and a free port; stops it afterwards. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startKeywardServer({ args: ["--demo"] });
  project.provide("baseUrl", server.baseUrl);
  project.provide("databasePath", server.databasePath);
  return server.stop;
}

export interface KeywardServer {
  baseUrl: string;
  databasePath: string;
  /** Stops the server and removes its database. */
  stop: () => Promise<void>;
}

/**
 * A built Keyward server (`keyward serve`) on a fresh SQLite file and a free port, healthy when this
 * returns. The shared one is started above; a test that needs another configuration (e.g. its own
 * KEYWARD_SECTIONS_FILE) starts its own with `env`.
 */
export async function startKeywardServer(
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<KeywardServer> {
  const directory = await mkdtemp(join(tmpdir(), "keyward-e2e-"));
  const databasePath = join(directory, "keyward.db");
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ["bin/keyward.js", "serve", ...(options.args ?? [])], {
    cwd: repoRoot,
    env: {
      ...process.env,
      KEYWARD_DATABASE: databasePath,
      PORT: String(port),
      HOST: "127.0.0.1",
      KEYWARD_LOG_LEVEL: "warn",
      // Record keys' last use promptly so the screenshots show it.
      KEYWARD_USAGE_FLUSH_SECONDS: "1",
      // Webhook tests deliver to a receiver on 127.0.0.1 (plain http, loopback).
      KEYWARD_WEBHOOKS_ALLOW_PRIVATE: "true",
      KEYWARD_WEB_DIST: join(repoRoot, "web/dist"),
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  server.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  server.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stopAndClean = async () => {
    await stop(server);
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await waitForHealth(baseUrl, server, () => output);
  } catch (error) {
    await stopAndClean();
    throw error;
  }
  return { baseUrl, databasePath, stop: stopAndClean };
}

function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

async function waitForHealth(baseUrl: string, server: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) {
      throw new Error(`The Keyward server exited (${server.exitCode}) before it was healthy:\n${output()}`);
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((wake) => setTimeout(wake, 200));
  }
  throw new Error(`The Keyward server was not healthy within 60 s:\n${output()}`);
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((done) => server.once("exit", () => done()));
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
