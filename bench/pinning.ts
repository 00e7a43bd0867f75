import { execFileSync } from "node:child_process";
import { cpus } from "node:os";

// On a small machine the server and the load generator fight for the same cores; giving each its own
// (Linux taskset) makes the A/B runs comparable.

/** The CPU the server gets and the one the load generator keeps, or null when pinning isn't possible. */
export function pinningPlan(setting: string | undefined): { server: string; loadGenerator: string } | null {
  if (setting === "0" || cpus().length < 2) return null;
  try {
    execFileSync("taskset", ["-V"], { stdio: "ignore" });
  } catch {
    return null;
  }
  return { server: String(cpus().length - 1), loadGenerator: "0" };
}

/** Restricts a running process (this one, by default) to the given CPUs, e.g. "0" or "0-1". */
export function pinProcess(cpuList: string, pid = process.pid): void {
  execFileSync("taskset", ["-a", "-cp", cpuList, String(pid)], { stdio: "ignore" });
}

export function allCpus(): string {
  return `0-${cpus().length - 1}`;
}
