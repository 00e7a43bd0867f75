import { createHash } from "node:crypto";
import { AppError } from "../errors.js";

/**
 * A strong entity tag for a resource: it changes exactly when the resource does, because every change
 * sets `updatedAt`. Quoted, as HTTP sends it.
 */
export function etagOf(resource: { id: string; updatedAt: string }): string {
  const digest = createHash("sha256").update(`${resource.id}\u0000${resource.updatedAt}`).digest("base64url");
  return `"${digest.slice(0, 27)}"`;
}

/** True when an If-None-Match / If-Match header names this tag (or `*`). */
export function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === etag);
}

/** Refuses a change made against a version that is no longer current (If-Match). */
export function requireCurrentVersion(
  ifMatch: string | undefined,
  current: { id: string; updatedAt: string },
): void {
  if (ifMatch === undefined || matchesEtag(ifMatch, etagOf(current))) return;
  throw new AppError(
    "precondition_failed",
    `The resource changed since you read it (If-Match ${ifMatch}; it is now ${etagOf(current)}). Read it again, then retry.`,
    { currentEtag: etagOf(current) },
  );
}
