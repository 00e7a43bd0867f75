import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabaseUrl } from "../support/test-database.js";
import { closedPort, takenPort } from "./support/ports.js";

// The real `keyward serve` process, unable to listen. Redis points at a closed port on purpose: its
// client retries forever, which is what used to keep a failed server alive.
const root = resolve(import.meta.dirname, "../..");
const figures: string[] = [];
let database: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  database = await createTestDatabaseUrl();
});
afterAll(async () => {
  await database.drop();
  if (figures.length) console.log(`[abuse figures] ${figures.join("; ")}`);
});

interface Exit {
  code: number | null;
  lines: string[];
  /** From the "cannot listen" line to the process's exit. */
  exitAfterLogMs: number;
}

/** Runs `keyward serve`; gives up (and kills it) if it has not exited within 45 s. */
async function serve(env: Record<string, string>): Promise<Exit> {
  const child: ChildProcess = spawn(process.execPath, ["bin/keyward.js", "serve"], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "/tmp",
      KEYWARD_DATABASE: database.url,
      KEYWARD_LOG_LEVEL: "info",
      KEYWARD_REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer) => {
    output += String(chunk);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = once(child, "exit");
  const timer = setTimeout(() => child.kill("SIGKILL"), 45_000);
  const [code] = (await exited) as [number | null];
  clearTimeout(timer);
  const exitedAt = Date.now();
  const lines = output.split("\n").filter((line) => line.trim() !== "");
  const loggedAt =
    lines.map(parseLogLine).find((log) => log?.msg?.startsWith("cannot listen"))?.time ?? exitedAt;
  return { code, lines, exitAfterLogMs: exitedAt - loggedAt };
}

function parseLogLine(line: string): { level: number; time: number; msg?: string } | undefined {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** Lines at level error or fatal, and any line that isn't a log line at all (the CLI's own report). */
function failureLines(exit: Exit): string[] {
  return exit.lines.filter((line) => (parseLogLine(line)?.level ?? 100) >= 50);
}

describe("keyward serve, unable to listen", () => {
  it("exits with 1 and one log line naming the port when the port is already taken", {
    timeout: 60_000,
  }, async () => {
    const taken = await takenPort();
    try {
      const exit = await serve({ PORT: String(taken.port), HOST: "127.0.0.1" });
      expect(exit.code, exit.lines.join("\n")).toBe(1);
      const [line, ...others] = failureLines(exit);
      expect(others, exit.lines.join("\n")).toEqual([]);
      expect(JSON.parse(line ?? "{}")).toMatchObject({
        level: 60,
        code: "EADDRINUSE",
        msg: `cannot listen on 127.0.0.1:${taken.port}: port ${taken.port} is already in use; set PORT to a free port`,
      });
      figures.push(`port taken: exited ${exit.exitAfterLogMs} ms after its log line`);
    } finally {
      await taken.close();
    }
  });

  it("exits with 1 and one log line naming HOST when HOST can't be resolved", {
    timeout: 60_000,
  }, async () => {
    const exit = await serve({ PORT: String(await closedPort()), HOST: "no-such-host.invalid" });
    expect(exit.code, exit.lines.join("\n")).toBe(1);
    const [line, ...others] = failureLines(exit);
    expect(others, exit.lines.join("\n")).toEqual([]);
    expect(JSON.parse(line ?? "{}")).toMatchObject({ level: 60, code: "ENOTFOUND" });
    expect(JSON.parse(line ?? "{}").msg).toMatch(
      /^cannot listen on no-such-host\.invalid:\d+: HOST no-such-host\.invalid could not be resolved/,
    );
    figures.push(`HOST unresolvable: exited ${exit.exitAfterLogMs} ms after its log line`);
  });
});
