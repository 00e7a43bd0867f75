/**
 * The closed set of error codes Keyward returns. Each has exactly one HTTP status and the sentence the
 * OpenAPI documents use for it; nothing maps a status back to a code.
 */
export const errorCatalogue = {
  invalid_request: { status: 400, meaning: "The request is malformed; `fields` names what to fix." },
  missing_api_key: { status: 401, meaning: "No API key was sent." },
  invalid_api_key: { status: 401, meaning: "The API key is not one Keyward issued." },
  revoked_api_key: { status: 401, meaning: "The API key was revoked." },
  api_access_disabled: { status: 401, meaning: "The key's owner no longer has API access." },
  expired_api_key: { status: 401, meaning: "The API key expired." },
  rolled_api_key: {
    status: 401,
    meaning: "The API key was replaced by a newer secret and its grace period ended.",
  },
  not_signed_in: { status: 401, meaning: "No valid console session." },
  invalid_signature: {
    status: 401,
    meaning: "The request's signature is missing or does not verify (secret scanning: GitHub's key).",
  },
  invalid_service_token: {
    status: 401,
    meaning: "The service token (Authorization: Bearer kws_…) is missing, not valid, or revoked.",
  },
  invalid_credentials: { status: 401, meaning: "The email or password is wrong." },
  insufficient_permissions: {
    status: 403,
    meaning: "The API key lacks the permission this operation needs; `required` names it.",
  },
  ip_not_allowed: { status: 403, meaning: "The key may not be used from the caller's address." },
  cors_not_allowed: {
    status: 403,
    meaning: "Browsers may not call the marketplace API from this origin (keys are server-side secrets).",
  },
  exceeds_permission_ceiling: {
    status: 403,
    meaning:
      "The permissions are beyond what an Administrator allows this user's keys; `required` names the first.",
  },
  api_access_required: { status: 403, meaning: "The signed-in user has no API access." },
  administrator_required: { status: 403, meaning: "Only an Administrator may do this." },
  csrf_failed: { status: 403, meaning: "The X-CSRF-Token header is missing or wrong." },
  user_deactivated: {
    status: 403,
    meaning: "The email and password are right but the user was deactivated; an Administrator can help.",
  },
  not_found: { status: 404, meaning: "No such resource in this account." },
  method_not_allowed: { status: 405, meaning: "The path exists but not with this method; see `Allow`." },
  conflict: { status: 409, meaning: "The resource's current state doesn't allow this." },
  idempotency_key_in_progress: {
    status: 409,
    meaning: "A request with this Idempotency-Key is still being processed; retry in a moment.",
  },
  precondition_failed: {
    status: 412,
    meaning: "If-Match names a version that is no longer current; `currentEtag` is the current one.",
  },
  request_timeout: { status: 408, meaning: "The request was not received in time." },
  payload_too_large: { status: 413, meaning: "The request body is larger than the limit." },
  unsupported_media_type: { status: 415, meaning: "The body must be application/json." },
  idempotency_key_reused: {
    status: 422,
    meaning: "This Idempotency-Key was used for a different request; use a new key for a new request.",
  },
  rate_limited: { status: 429, meaning: "Too many requests; wait `Retry-After` seconds." },
  headers_too_large: { status: 431, meaning: "The request headers are too large." },
  internal_error: { status: 500, meaning: "An unexpected error; quote the requestId." },
  bad_gateway: { status: 502, meaning: "The upstream service behind the Keyward gateway failed." },
  gateway_timeout: {
    status: 504,
    meaning: "The upstream service behind the Keyward gateway did not answer in time.",
  },
  service_unavailable: {
    status: 503,
    meaning: "A dependency (the database, Redis) is unavailable; nothing was changed.",
  },
} as const satisfies Record<string, { status: number; meaning: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

export function statusOf(code: ErrorCode): number {
  return errorCatalogue[code].status;
}

/** What an error may carry besides its message; each is rendered into the response. */
export interface ErrorDetails {
  /** The request fields to fix, named as the client wrote them (`name`, `permissions.sections.x`). */
  fields?: string[];
  /** Sent as `Retry-After`. */
  retryAfterSeconds?: number;
  /** The permission that was missing, e.g. `orders:write`. */
  required?: string;
  /** conflict: the resource's status that refused the change, e.g. `fulfilled`. */
  currentStatus?: string;
  /** precondition_failed: the resource's current ETag. */
  currentEtag?: string;
}

/** An expected failure: rendered to clients as {"error":{"code","message","requestId",…details}}. */
export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message);
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return statusOf(this.code);
  }
}

export function notFound(what: string): AppError {
  return new AppError("not_found", `${what} was not found.`);
}

/** One thing wrong with the input: the field, as the client wrote it, and what to change. */
export interface FieldProblem {
  field: string;
  problem: string;
}

/** The one way to refuse input: names every field, and the message says what to change in each. */
export function invalidRequest(problems: FieldProblem[]): AppError {
  const message = problems.map((p) => `${p.field}: ${p.problem}`).join("; ");
  return new AppError("invalid_request", message, { fields: [...new Set(problems.map((p) => p.field))] });
}

/** `invalidRequest` for a single field. */
export function invalidField(field: string, problem: string): AppError {
  return invalidRequest([{ field, problem }]);
}
