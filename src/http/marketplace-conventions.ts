import compress from "@fastify/compress";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config.js";
import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import { registerIdempotency } from "./idempotency.js";

/**
 * How the marketplace API behaves as HTTP, for every route of its scope: keyed responses are never
 * cached, changes take an Idempotency-Key, large responses are compressed when the client asks, and
 * browsers are refused (API keys are server-side secrets) unless the operator allows their origin.
 */
export async function registerMarketplaceConventions(
  app: FastifyInstance,
  options: { config: Config; db: Db },
): Promise<void> {
  const allowed = new Set(options.config.corsOrigins);
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("cache-control", "no-store");
    const origin = request.headers.origin;
    if (origin === undefined) return done();
    if (!allowed.has(origin)) return done(browserRefused(origin));
    setCorsHeaders(reply, origin);
    done();
  });
  // Before compression: idempotency stores the JSON itself.
  registerIdempotency(app, options.db);
  await app.register(compress, { threshold: 1024, encodings: ["br", "gzip"] });
}

/** The answer to a browser's preflight on a marketplace path (OPTIONS has no route of its own). */
export function answerPreflight(
  request: FastifyRequest,
  reply: FastifyReply,
  config: Config,
  allow: string[],
) {
  const origin = request.headers.origin;
  if (origin === undefined || !config.corsOrigins.includes(origin)) throw browserRefused(origin ?? "(none)");
  setCorsHeaders(reply, origin);
  reply.header("access-control-allow-methods", allow.join(", "));
  reply.header(
    "access-control-allow-headers",
    "authorization, x-api-key, content-type, idempotency-key, if-match, if-none-match, x-request-id",
  );
  reply.header("access-control-max-age", "600");
  return reply.status(204).send();
}

function setCorsHeaders(reply: FastifyReply, origin: string): void {
  reply.header("access-control-allow-origin", origin);
  reply.header("vary", "Origin");
  reply.header(
    "access-control-expose-headers",
    "request-id, ratelimit, ratelimit-policy, retry-after, etag, idempotent-replayed",
  );
}

function browserRefused(origin: string): AppError {
  return new AppError(
    "cors_not_allowed",
    `Requests from web pages (origin ${origin}) are refused: an API key is a server-side secret, and a browser would expose it. Call the API from your server. An operator can allow an origin with KEYWARD_CORS_ORIGINS.`,
  );
}
