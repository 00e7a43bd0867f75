import { invalidField } from "../../errors.js";

const units = { s: 1, m: 60, h: 3_600, d: 86_400 } as const;
const durationPattern = /^(\d{1,6})\s*([smhd])$/;

/** "30d", "12h", "90m", "45s" as seconds; every duration in Keyward is written this way. */
export function parseDuration(field: string, text: string): number {
  const match = durationPattern.exec(text.trim());
  const seconds = match ? Number(match[1]) * units[match[2] as keyof typeof units] : 0;
  if (seconds <= 0) {
    throw invalidField(
      field,
      `"${text}" is not a duration; write a number and a unit: 30d, 12h, 90m or 45s.`,
    );
  }
  return seconds;
}

/** A duration as people write it back: the largest whole unit ("90d", "36h", "90m", "45s"). */
export function formatDuration(seconds: number): string {
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3_600],
    ["m", 60],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
