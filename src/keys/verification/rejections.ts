import { findSection } from "../../marketplace/sections.js";
import type { RequiredPermission } from "../permissions.js";
import type { RateLimitState } from "../rate-limit/key-rate-limiter.js";
import { formatRateLimit } from "../rate-limit/rate-limit.js";
import type { KeyState } from "./key-cache.js";
import type { Rejection } from "./verify-key.js";

// The answers for a key that can't be used. Made once: a rejection allocates nothing per request.
export const rejection = {
  missing: {
    valid: false,
    code: "missing_api_key",
    message: "Send your API key as 'Authorization: Bearer <key>'.",
  },
  invalid: {
    valid: false,
    code: "invalid_api_key",
    message: "The API key is not valid. Check that it was copied in full.",
  },
  revoked: {
    valid: false,
    code: "revoked_api_key",
    message: "This API key has been revoked. Generate a new key in Account > API Keys.",
  },
  ownerLostAccess: {
    valid: false,
    code: "api_access_disabled",
    message:
      "The owner of this API key no longer has API access, so the key is suspended. An Administrator can grant it again.",
  },
  ownerDeactivated: {
    valid: false,
    code: "api_access_disabled",
    message:
      "The owner of this API key has been deactivated, so the key no longer works. Generate a new key as an active user.",
  },
} as const satisfies Record<string, Rejection>;

export function rejectionForState(state: Exclude<KeyState, "active">): Rejection;
export function rejectionForState(state: KeyState): Rejection;
export function rejectionForState(state: KeyState): Rejection {
  if (state === "revoked") return rejection.revoked;
  if (state === "owner_lost_access") return rejection.ownerLostAccess;
  if (state === "owner_deactivated") return rejection.ownerDeactivated;
  return rejection.invalid;
}

const permissionRejections = new Map<string, Rejection>();

/** The 403 for a key without the needed permission, naming it and where to add it. */
export function rejectionForPermission(required: RequiredPermission): Rejection {
  const permission = `${required.section}:${required.access}`;
  let answer = permissionRejections.get(permission);
  if (answer === undefined) {
    const label = findSection(required.section)?.label ?? required.section;
    answer = {
      valid: false,
      code: "insufficient_permissions",
      message: `This API key lacks the ${permission} permission (${label}, ${required.access}). Edit the key's permissions in Account > API Keys.`,
      required: permission,
    };
    permissionRejections.set(permission, answer);
  }
  return answer;
}

/** 429 for a client past its budget of failed verifications. */
export function rateLimited(retryInMs: number): Rejection {
  const seconds = Math.max(1, Math.ceil(retryInMs / 1000));
  return {
    valid: false,
    code: "rate_limited",
    message: `Too many requests with invalid API keys from your address. Try again in ${seconds} s.`,
    retryAfterSeconds: seconds,
  };
}

/** 401 for a key past its expiry; made once per cache entry. */
export function expiredRejection(expiresAt: string): Rejection {
  return {
    valid: false,
    code: "expired_api_key",
    message: `This API key expired on ${expiresAt}. Generate a new key or roll this one in Account > API Keys.`,
  };
}

/** 401 for a secret a roll replaced, once its grace period is over. */
export function rolledRejection(rolledAt: string): Rejection {
  return {
    valid: false,
    code: "rolled_api_key",
    message: `This key was replaced by a newer secret on ${rolledAt}. Use the new secret.`,
  };
}

/** 403 for a key used from an address its allowlist doesn't include, naming the address Keyward saw. */
export function ipNotAllowed(ip: string): Rejection {
  return {
    valid: false,
    code: "ip_not_allowed",
    message: `This API key may not be used from ${ip}. If that is not your address, check the trusted-proxy setting (KEYWARD_TRUST_PROXY); otherwise add it to the key's allowed IPs.`,
  };
}

/** 429 for a key past its own rate limit: says the limit and when the window resets. */
export function keyRateLimited(key: { id: string; accountId: string }, state: RateLimitState): Rejection {
  const seconds = Math.max(1, state.resetSeconds);
  return {
    valid: false,
    code: "rate_limited",
    message: `This API key is limited to ${formatRateLimit(state.limit)} (requests per ${windowWord(state.limit.windowSeconds)}). Try again in ${seconds} s.`,
    retryAfterSeconds: seconds,
    keyId: key.id,
    accountId: key.accountId,
    rateLimit: state,
  };
}

function windowWord(seconds: number): string {
  return seconds === 1 ? "second" : seconds === 60 ? "minute" : seconds === 3600 ? "hour" : `${seconds} s`;
}
