import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Db } from "../db/database.js";
import { AppError, invalidField } from "../errors.js";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  fingerprintOf,
  releaseIdempotencyKey,
} from "../idempotency/idempotency-keys.js";

const keyPattern = /^[\x21-\x7e]{1,255}$/;
/** How long a retry waits for the first request to finish before answering 409. */
const waitForFirstMs = 10_000;
/** Response headers a replay repeats (with the status and body). */
const replayedHeaders = ["content-type", "etag", "location"];

declare module "fastify" {
  interface FastifyRequest {
    /** Set when this request claimed an Idempotency-Key: its response is stored for retries. */
    idempotencyClaim: { accountId: string; key: string } | null;
  }
}

/**
 * Idempotency-Key on every POST and PATCH of a scope (Stripe's model): the first response to a key is
 * stored per account for 24 hours and replayed to retries, so a client whose connection dropped can
 * retry and learn what happened instead of doing it twice. Register before hooks that transform the
 * payload (compression): the stored body is the JSON itself.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.decorateRequest("idempotencyClaim", null);
  app.addHook("preHandler", async (request, reply) => {
    if (request.method !== "POST" && request.method !== "PATCH") return;
    const key = request.headers["idempotency-key"];
    if (key === undefined) return;
    if (typeof key !== "string" || !keyPattern.test(key)) {
      throw invalidField("Idempotency-Key", "must be 1 to 255 printable characters, e.g. a UUID.");
    }
    const accountId = request.apiKey.accountId;
    const fingerprint = fingerprintOf(request.method, request.url, request.body);
    const deadline = Date.now() + waitForFirstMs;
    for (;;) {
      const claim = await claimIdempotencyKey(db, { accountId, key, fingerprint });
      if (claim.outcome === "started") {
        request.idempotencyClaim = { accountId, key };
        return;
      }
      if (claim.outcome === "mismatch") {
        throw new AppError(
          "idempotency_key_reused",
          "This Idempotency-Key was already used for a different request (method, path or body). Use a new key for a new request.",
        );
      }
      if (claim.outcome === "replay") return replay(reply, claim.response);
      if (Date.now() >= deadline) {
        throw new AppError(
          "idempotency_key_in_progress",
          "The first request with this Idempotency-Key is still running. Retry in a moment to get its result.",
          { retryAfterSeconds: 1 },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  app.addHook("onSend", async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = request.idempotencyClaim;
    if (claim === null) return payload;
    request.idempotencyClaim = null;
    if (reply.statusCode >= 500) {
      await releaseIdempotencyKey(db, claim);
      return payload;
    }
    const headers: Record<string, string> = {};
    for (const name of replayedHeaders) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const body =
      typeof payload === "string"
        ? payload
        : payload === null || payload === undefined
          ? ""
          : String(payload);
    await completeIdempotencyKey(db, { ...claim, response: { statusCode: reply.statusCode, headers, body } });
    return payload;
  });
}

function replay(
  reply: FastifyReply,
  response: { statusCode: number; headers: Record<string, string>; body: string },
) {
  reply.headers(response.headers);
  reply.header("idempotent-replayed", "true");
  return reply.status(response.statusCode).send(response.body);
}
