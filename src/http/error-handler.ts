import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { isDatabaseUnavailable } from "../db/database-errors.js";
import { AppError, type ErrorCode, errorStatus } from "../errors.js";

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; fields?: string[] };
}

/** Renders every failure as {"error":{"code","message","requestId"}}; 5xx never carry internals. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = toAppError(error);
    if (appError.status >= 500) request.log.error({ err: error, code: appError.code }, "request failed");
    return sendError(request, reply, appError);
  });
}

// A key pasted where it doesn't belong (a path, a field name) must not be echoed back in an error.
const keyInText = /mpk_[0-9A-Za-z]+/g;
const redactKeys = (text: string) => text.replace(keyInText, "mpk_[redacted]");

export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  const message = redactKeys(error.message);
  const body: ErrorBody = { error: { code: error.code, message, requestId: request.id } };
  const retryAfter = error.details?.retryAfterSeconds;
  if (typeof retryAfter === "number") reply.header("retry-after", String(retryAfter));
  const fields = error.details?.fields;
  if (Array.isArray(fields)) body.error.fields = (fields as string[]).map(redactKeys);
  return reply.status(error.status).send(body);
}

function toAppError(error: FastifyError): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    return new AppError(
      "service_unavailable",
      "The database is unavailable (unreachable, full or read-only). Nothing was changed; try again shortly.",
    );
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = error.validationContext ?? "body";
    const problems = error.validation.flatMap((issue) => {
      const path = issue.instancePath.replace(/^\//, "").replaceAll("/", ".");
      // Fields are named as the client wrote them (`name`, `permissions.sections.x`, `limit`), the same
      // as the domain's own validation; `body`/`querystring` only when the whole thing is wrong.
      const base = path || context;
      // Name each unknown field itself, so the client knows exactly what to remove.
      const unknownKeys =
        issue.keyword === "unrecognized_keys" ? (issue.params.keys as string[] | undefined) : undefined;
      if (unknownKeys?.length)
        return unknownKeys.map((key) => ({ field: `${base}.${key}`, message: "unknown field" }));
      return [{ field: base, message: issue.message }];
    });
    const message = problems.map((p) => `${p.field}: ${p.message}`).join("; ");
    return new AppError("invalid_request", message, { fields: [...new Set(problems.map((p) => p.field))] });
  }
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new AppError("payload_too_large", "The request body is too large.");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return new AppError("unsupported_media_type", "Send the request body as application/json.");
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new AppError("invalid_request", "body: a JSON body is required.", { fields: ["body"] });
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return new AppError("invalid_request", "body: is not valid JSON.", { fields: ["body"] });
  }
  const status = error.statusCode ?? 500;
  if (status === 429)
    return new AppError("rate_limited", error.message || "Too many requests. Try again later.");
  if (status === 503) return new AppError("service_unavailable", "Keyward is temporarily unavailable.");
  if (status >= 400 && status < 500) {
    const code = (Object.keys(errorStatus) as ErrorCode[]).find((c) => errorStatus[c] === status);
    return new AppError(code ?? "invalid_request", error.message);
  }
  return new AppError(
    "internal_error",
    "Something went wrong on our side. Quote the requestId if it persists.",
  );
}
