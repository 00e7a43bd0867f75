import type { KeyState } from "./key-cache.js";

/**
 * How key verifications ended, as plain counters: the hot path only increments a number, and
 * /metrics reads them at scrape time (no label lookup per request).
 */
export class VerificationOutcomes {
  active = 0;
  revoked = 0;
  accessDisabled = 0;
  invalid = 0;
  missing = 0;
  insufficientPermissions = 0;
  rateLimited = 0;

  countRejection(state: KeyState): void {
    if (state === "revoked") this.revoked++;
    else if (state === "access_disabled") this.accessDisabled++;
    else this.invalid++;
  }

  /** The counts by the outcome label /metrics uses. */
  byLabel(): Record<string, number> {
    return {
      active: this.active,
      revoked: this.revoked,
      access_disabled: this.accessDisabled,
      invalid: this.invalid,
      missing: this.missing,
      insufficient_permissions: this.insufficientPermissions,
      rate_limited: this.rateLimited,
    };
  }
}
