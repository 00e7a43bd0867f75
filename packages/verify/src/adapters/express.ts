import { randomUUID } from "node:crypto";
import type { KeywardKey } from "../answers.js";
import { errorBody, presentedKey } from "../answers.js";
import type { KeywardVerifier } from "../verifier.js";
import { type AdapterOptions, permissionFor } from "./options.js";

// Structural types: the package doesn't depend on Express.
interface ExpressLikeRequest {
  ip?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  keyward?: KeywardKey;
}
interface ExpressLikeResponse {
  status(code: number): ExpressLikeResponse;
  setHeader(name: string, value: string): unknown;
  json(body: unknown): unknown;
}

/** Express middleware: verifies the request's key and sets `req.keyward`, or answers in Keyward's error shape. */
export function keywardExpress(verifier: KeywardVerifier, options: AdapterOptions<ExpressLikeRequest> = {}) {
  return (
    request: ExpressLikeRequest,
    response: ExpressLikeResponse,
    next: (error?: unknown) => void,
  ): void => {
    const { authorization } = request.headers;
    const apiKey = request.headers["x-api-key"];
    verifier
      .verify({
        key: presentedKey(
          typeof authorization === "string" ? authorization : undefined,
          typeof apiKey === "string" ? apiKey : undefined,
        ),
        permission: permissionFor(options.permission, request),
        ip: options.ip ? options.ip(request) : request.ip,
      })
      .then((answer) => {
        if (answer.valid) {
          request.keyward = answer.key;
          return next();
        }
        const requestId = randomUUID();
        response.setHeader("request-id", requestId);
        if (answer.retryAfterSeconds !== undefined)
          response.setHeader("retry-after", String(answer.retryAfterSeconds));
        response.status(answer.status).json(errorBody(answer, requestId));
      }, next);
  };
}
