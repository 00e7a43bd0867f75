/** Timestamps are stored as ISO-8601 UTC strings in both dialects: they sort and compare as text. */
export function nowIso(): string {
  return new Date().toISOString();
}
