import { readFileSync } from "node:fs";

const ticksPerSecond = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far; Linux /proc. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Resident set size now and its peak since the process started (bytes). */
export function memory(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0) * 1024;
  return { rss: kib("VmRSS"), peakRss: kib("VmHWM") };
}

/** Measures a process's CPU use (fraction of one core) over `run`. */
export async function withCpu<T>(pid: number, run: () => Promise<T>): Promise<{ result: T; cpu: number }> {
  const cpuBefore = cpuSeconds(pid);
  const start = performance.now();
  const result = await run();
  const wall = (performance.now() - start) / 1000;
  return { result, cpu: (cpuSeconds(pid) - cpuBefore) / wall };
}
