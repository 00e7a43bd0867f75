/** A key the verifier accepted, as your handlers see it. */
export interface KeywardKey {
  id: string;
  accountId: string;
  ownerId: string;
  name: string;
  permissions: { all: true } | { all: false; sections: Record<string, "read" | "write"> };
  expiresAt: string | null;
}

export type RejectionCode =
  | "missing_api_key"
  | "invalid_api_key"
  | "revoked_api_key"
  | "expired_api_key"
  | "rolled_api_key"
  | "api_access_disabled"
  | "ip_not_allowed"
  | "insufficient_permissions"
  | "rate_limited"
  /** Keyward could not be reached and the key was not in a trusted cache. */
  | "service_unavailable";

export type VerifyAnswer =
  | { valid: true; key: KeywardKey; fromCache: boolean }
  | {
      valid: false;
      code: RejectionCode;
      message: string;
      /** The HTTP status Keyward's own API answers this code with. */
      status: number;
      required?: string;
      retryAfterSeconds?: number;
    };

const statuses: Record<RejectionCode, number> = {
  missing_api_key: 401,
  invalid_api_key: 401,
  revoked_api_key: 401,
  expired_api_key: 401,
  rolled_api_key: 401,
  api_access_disabled: 401,
  ip_not_allowed: 403,
  insufficient_permissions: 403,
  rate_limited: 429,
  service_unavailable: 503,
};

export function statusOf(code: RejectionCode): number {
  return statuses[code] ?? 401;
}

/** Keyward's error shape, for the adapters: `{"error":{"code","message","requestId",…}}`. */
export function errorBody(answer: Extract<VerifyAnswer, { valid: false }>, requestId: string) {
  return {
    error: {
      code: answer.code,
      message: answer.message,
      requestId,
      ...(answer.required === undefined ? {} : { required: answer.required }),
    },
  };
}

/** The key from `Authorization: Bearer <key>`, else `X-Api-Key`, as Keyward's own API reads it. */
export function presentedKey(
  authorization: string | undefined,
  apiKeyHeader: string | undefined,
): string | undefined {
  if (authorization !== undefined) {
    const match = /^bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match) return match[1];
  }
  return apiKeyHeader?.trim() || undefined;
}

/** True when the key's permissions allow `permission` (`section:access`; write implies read). */
export function allows(key: KeywardKey, permission: string | undefined): boolean {
  if (permission === undefined || key.permissions.all) return true;
  const [section = "", access = "read"] = permission.split(":");
  const granted = key.permissions.sections[section];
  return granted !== undefined && (access === "read" || granted === "write");
}
