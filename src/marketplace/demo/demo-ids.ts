import { createHash } from "node:crypto";

export type DemoIdPrefix = "sel" | "prd" | "ord" | "pay";

const widths: Record<DemoIdPrefix, number> = { sel: 4, prd: 4, ord: 6, pay: 5 };

/**
 * Demo ids are a per-account tag plus a sequence, e.g. `ord_3f9a2c1b_000042`: deterministic for an
 * account and seed, in creation order within the account, and different between accounts, so an id used
 * with another account's key is not found instead of silently naming that account's row.
 */
export function createDemoIds(accountId: string): (prefix: DemoIdPrefix, sequence: number) => string {
  const tag = createHash("sha256").update(accountId).digest("hex").slice(0, 8);
  return (prefix, sequence) => `${prefix}_${tag}_${String(sequence).padStart(widths[prefix], "0")}`;
}
