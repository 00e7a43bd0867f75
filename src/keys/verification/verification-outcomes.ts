import type { RejectionCode } from "./verify-key.js";

/**
 * How key verifications ended, as plain counters kept by the verifier itself: the hot path only
 * increments a number, and /metrics reads them at scrape time (no label lookup per request).
 */
export class VerificationOutcomes {
  private readonly counts: Record<"valid" | RejectionCode, number> = {
    valid: 0,
    missing_api_key: 0,
    invalid_api_key: 0,
    revoked_api_key: 0,
    expired_api_key: 0,
    rolled_api_key: 0,
    api_access_disabled: 0,
    ip_not_allowed: 0,
    insufficient_permissions: 0,
    rate_limited: 0,
  };

  /** Cache misses read from the database (the load an attacker can cause). */
  databaseReads = 0;

  countValid(): void {
    this.counts.valid++;
  }

  countRejection(code: RejectionCode): void {
    this.counts[code]++;
  }

  /** The counts by the `outcome` label /metrics uses. */
  byLabel(): Record<string, number> {
    const c = this.counts;
    return {
      active: c.valid,
      revoked: c.revoked_api_key,
      expired: c.expired_api_key,
      rolled: c.rolled_api_key,
      access_disabled: c.api_access_disabled,
      ip_not_allowed: c.ip_not_allowed,
      invalid: c.invalid_api_key,
      missing: c.missing_api_key,
      insufficient_permissions: c.insufficient_permissions,
      rate_limited: c.rate_limited,
    };
  }
}
