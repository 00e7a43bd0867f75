import { allows } from "../permissions.js";
import type { CachedKey } from "./key-cache.js";
import { ipNotAllowed, rejection, rejectionForPermission, rejectionForState } from "./rejections.js";
import type { Verification, VerifyOptions } from "./verify-key.js";

/**
 * The checks that follow the lookup, in order; each rule on keys is one branch here. Pure: no I/O, no
 * counting. A cached valid key costs a state check, a number comparison, the permission check and —
 * for an allowlisted key — a remembered address comparison.
 */
export function evaluate(entry: CachedKey, options: VerifyOptions, now: number): Verification {
  const key = entry.key;
  // Another account's key is, to this caller, a key Keyward never issued, whatever its state.
  if (options.accountId !== undefined && key?.accountId !== options.accountId) return rejection.invalid;
  if (entry.state !== "active" || key === null) return rejectionForState(entry.state);
  if (now >= entry.notAfter && entry.notAfterRejection !== undefined) return entry.notAfterRejection;
  if (entry.allowlist !== null && !entry.allowlist.allows(options.ip)) return ipNotAllowed(options.ip);
  const { required } = options;
  if (required !== undefined && !allows(key.permissions, required.section, required.access)) {
    return rejectionForPermission(required);
  }
  // One answer object per cache entry, not per request.
  if (entry.accepted === undefined) entry.accepted = { valid: true, key };
  return entry.accepted;
}

/**
 * Answers that spend the client's failure budget: a key that doesn't work. A working key used from
 * the wrong address or for the wrong section is a mistake to fix, not a guess.
 */
export function isFailure(answer: Verification): boolean {
  if (answer.valid) return false;
  const { code } = answer;
  return (
    code !== "ip_not_allowed" &&
    code !== "insufficient_permissions" &&
    code !== "missing_api_key" &&
    code !== "rate_limited"
  );
}
