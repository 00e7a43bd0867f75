import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { isDatabaseUnavailable, isPoolExhausted } from "../db/database-errors.js";
import { AppError, type ErrorCode, invalidField, invalidRequest, statusOf } from "../errors.js";
import { redactKeys } from "./redact.js";
import { newRequestId } from "./request-id.js";

/** The one error shape of both APIs. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    requestId: string;
    fields?: string[];
    required?: string;
    currentStatus?: string;
    currentEtag?: string;
  };
}

/** Renders every failure as {"error":{"code","message","requestId"}}; 5xx never carry internals. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    // An outage is logged once by src/ops/database-health.ts, not as a stack trace per request.
    if (appError.code === "service_unavailable")
      request.log.debug({ err: error }, "request failed: unavailable");
    else if (appError.status >= 500) request.log.error({ err: error, code: appError.code }, "request failed");
    return sendError(request, reply, appError);
  });
}

/** The codes that mean "this key can't be used": RFC 6750's challenge goes with them. */
const keyChallenges = new Set<ErrorCode>([
  "missing_api_key",
  "invalid_api_key",
  "revoked_api_key",
  "expired_api_key",
  "rolled_api_key",
  "api_access_disabled",
]);

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  if (keyChallenges.has(error.code)) {
    const challenge =
      error.code === "missing_api_key"
        ? 'Bearer realm="keyward"'
        : 'Bearer realm="keyward", error="invalid_token"';
    reply.header("www-authenticate", challenge);
  }
  return reply.status(error.status).send(errorBody(error, request.id, reply));
}

function errorBody(error: AppError, requestId: string, reply?: FastifyReply): ErrorBody {
  const { fields, retryAfterSeconds, required, currentStatus, currentEtag } = error.details;
  const body: ErrorBody = { error: { code: error.code, message: redactKeys(error.message), requestId } };
  if (fields !== undefined) body.error.fields = fields.map(redactKeys);
  if (required !== undefined) body.error.required = required;
  if (currentStatus !== undefined) body.error.currentStatus = currentStatus;
  if (currentEtag !== undefined) body.error.currentEtag = currentEtag;
  if (retryAfterSeconds !== undefined) reply?.header("retry-after", String(retryAfterSeconds));
  // Every 503 says when to come back, whatever raised it.
  else if (error.status === 503) reply?.header("retry-after", "1");
  return body;
}

/** Fastify's own errors, each named: nothing is guessed from a status code. */
const fastifyErrors: Record<string, () => AppError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new AppError("payload_too_large", "The request body is too large."),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new AppError("unsupported_media_type", "Send the request body as application/json."),
  FST_ERR_CTP_INVALID_TYPE: () =>
    new AppError("unsupported_media_type", "Send the request body as application/json."),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => invalidField("body", "a JSON body is required."),
  FST_ERR_CTP_INVALID_JSON_BODY: () => invalidField("body", "is not valid JSON."),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    invalidField("content-length", "does not match the body that was sent."),
  FST_ERR_BAD_URL: () => invalidField("path", "is not a valid URL."),
  FST_ERR_MAX_PARAM_LENGTH: () => invalidField("path", "a path parameter is too long."),
};

/** Any error a route or Fastify raises, as the AppError the client gets. */
export function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  // Node's "aborted": the client closed the connection mid-body. Its ECONNRESET is not the database's.
  if (error.code === "ECONNRESET" && error.message === "aborted") {
    return invalidField("body", "was cut off: the client closed the connection before sending all of it.");
  }
  // The database answers but this instance's connections are all busy: overload, not an outage.
  if (isPoolExhausted(error)) {
    return new AppError(
      "service_unavailable",
      "Keyward is busy: no database connection came free in time. Nothing was changed; try again shortly.",
      { retryAfterSeconds: 1 },
    );
  }
  if (isDatabaseUnavailable(error)) {
    return new AppError(
      "service_unavailable",
      "The database is unavailable (unreachable, full or read-only). Nothing was changed; try again shortly.",
      { retryAfterSeconds: 1 },
    );
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = error.validationContext ?? "body";
    return invalidRequest(
      error.validation.flatMap((issue) => {
        const path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".");
        // Fields are named as the client wrote them (`name`, `permissions.sections.x`, `limit`), the
        // same as the domain's own validation; `body`/`querystring` only when the whole thing is wrong.
        const base = path || context;
        const unknownKeys =
          issue.keyword === "unrecognized_keys" ? (issue.params.keys as string[] | undefined) : undefined;
        if (unknownKeys?.length)
          return unknownKeys.map((key) => ({ field: `${base}.${key}`, problem: "unknown field" }));
        return [{ field: base, problem: issue.message }];
      }),
    );
  }
  const named = error.code === undefined ? undefined : fastifyErrors[error.code];
  if (named) return named();
  const status = error.statusCode ?? 500;
  // @fastify/static refuses paths it won't serve (traversal) with 403: to a client, nothing is there.
  if (status === 403 || status === 404) return new AppError("not_found", "Not found.");
  if (status === 503) {
    return new AppError("service_unavailable", "Keyward is shutting down; try again.", {
      retryAfterSeconds: 1,
    });
  }
  if (status >= 400 && status < 500) return invalidField("request", "is not one Keyward can process.");
  return new AppError(
    "internal_error",
    "Something went wrong on our side. Quote the requestId if it persists.",
  );
}

/** Node's HTTP parser errors (before Fastify has a request): answered in the same shape, never logged above debug. */
const clientErrors: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: "headers_too_large",
  ERR_HTTP_REQUEST_TIMEOUT: "request_timeout",
};
const clientMessages: Partial<Record<ErrorCode, string>> = {
  headers_too_large: "The request headers are too large.",
  request_timeout: "The request was not received in time.",
  invalid_request: "The request is not valid HTTP.",
};

/** For Fastify's `clientErrorHandler`: a client that went away is not worth a log line above debug. */
export function handleClientError(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  this.log.debug({ err: error }, "client error");
  const code = clientErrors[error.code ?? ""] ?? "invalid_request";
  const status = statusOf(code);
  const body = JSON.stringify(
    errorBody(new AppError(code, clientMessages[code] ?? "Bad request."), newRequestId()),
  );
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${code}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
