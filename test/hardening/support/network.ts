import { randomBytes } from "node:crypto";

/**
 * A client address of its own for one test (198.18.0.0/15, the benchmarking range), so per-IP counters —
 * in memory or in a Redis shared across runs — never carry over between tests.
 */
export function uniqueIp(): string {
  const [a = 0, b = 0, c = 0] = randomBytes(3);
  return `198.${18 + (a & 1)}.${b}.${Math.max(1, c)}`;
}
