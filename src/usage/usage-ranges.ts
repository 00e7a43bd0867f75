import * as z from "zod";

/** The ranges usage can be shown over, each read from the granularity that fits it. */
export const usageRanges = {
  "1h": { ms: 3_600_000, table: "usage_minute", bucketMs: 60_000 },
  "24h": { ms: 86_400_000, table: "usage_hour", bucketMs: 3_600_000 },
  "7d": { ms: 7 * 86_400_000, table: "usage_hour", bucketMs: 3_600_000 },
  "30d": { ms: 30 * 86_400_000, table: "usage_day", bucketMs: 86_400_000 },
  "90d": { ms: 90 * 86_400_000, table: "usage_day", bucketMs: 86_400_000 },
} as const;

export type UsageRange = keyof typeof usageRanges;

export const usageRangeSchema = z
  .enum(Object.keys(usageRanges) as [UsageRange, ...UsageRange[]])
  .default("24h")
  .describe("The period: the last hour (by minute), 24 hours or 7 days (by hour), 30 or 90 days (by day).");

/** The first bucket of a range ending now, aligned to its granularity. */
export function rangeStart(range: UsageRange, now: number): string {
  const { ms, bucketMs } = usageRanges[range];
  return new Date(Math.floor((now - ms) / bucketMs + 1) * bucketMs).toISOString();
}

export const statusClasses = ["2xx", "3xx", "4xx", "5xx"] as const;
