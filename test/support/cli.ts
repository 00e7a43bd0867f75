import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const bin = fileURLToPath(new URL("../../bin/keyward.js", import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The child's environment: ours without any KEYWARD_* setting, plus the database and what the test adds. */
function cliEnv(databasePath: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith("KEYWARD_") && name !== "PORT" && name !== "HOST") env[name] = value;
  }
  return { ...env, NO_COLOR: "1", KEYWARD_DATABASE: databasePath, ...extra };
}

/** Runs `node bin/keyward.js <args>` against a database file, as an operator would; never rejects. */
export function runCli(
  databasePath: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd: repoRoot, env: cliEnv(databasePath, env), timeout: 60_000 },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

/** The one JSON object a `--json` command printed; throws if stdout is anything else. */
export function jsonOutput<T>(result: CliResult): T {
  const lines = result.stdout.split("\n").filter((line) => line.trim() !== "");
  if (lines.length !== 1) {
    throw new Error(
      `expected one line of JSON, got ${lines.length}:\n${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
  const value: unknown = JSON.parse(lines[0] ?? "");
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`expected a JSON object, got: ${lines[0]}`);
  }
  return value as T;
}

export interface RunningServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Everything the server printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts `node bin/keyward.js serve` on a free port and resolves once it prints its URL. */
export async function startServer(
  databasePath: string,
  env: Record<string, string> = {},
): Promise<RunningServer> {
  const child = spawn(process.execPath, [bin, "serve"], {
    cwd: repoRoot,
    env: cliEnv(databasePath, { PORT: "0", HOST: "127.0.0.1", KEYWARD_LOG_LEVEL: "warn", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };

  const url = await new Promise<string>((resolve, reject) => {
    const deadline = setTimeout(() => fail(new Error("the server did not start within 30 s")), 30_000);
    const onData = () => {
      const match = /Keyward is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`the server exited with ${code}`));
    function fail(error: Error) {
      cleanup();
      reject(new Error(`${error.message}\n${output}`));
    }
    function cleanup() {
      clearTimeout(deadline);
      child.stdout.off("data", onData);
      child.off("exit", onExit);
    }
    child.stdout.on("data", onData);
    child.on("exit", onExit);
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return { url, output: () => output, stop };
}
