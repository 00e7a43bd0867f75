import { execFile } from "node:child_process";
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
