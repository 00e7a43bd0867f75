/** The closed set of error codes Keyward returns; each maps to exactly one HTTP status. */
export const errorStatus = {
  invalid_request: 400,
  missing_api_key: 401,
  invalid_api_key: 401,
  revoked_api_key: 401,
  api_access_disabled: 401,
  not_signed_in: 401,
  invalid_credentials: 401,
  insufficient_permissions: 403,
  api_access_required: 403,
  administrator_required: 403,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** An expected failure: rendered to clients as {"error":{"code","message","requestId"}}. */
export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export function notFound(what: string): AppError {
  return new AppError("not_found", `${what} was not found.`);
}

export function invalidRequest(field: string, problem: string): AppError {
  return new AppError("invalid_request", `${field}: ${problem}`, { fields: [field] });
}
