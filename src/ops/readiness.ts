import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AbuseGuards } from "../abuse/create-abuse-guards.js";
import type { Database } from "../db/database.js";
import { isPoolExhausted } from "../db/database-errors.js";
import type { KeyCache } from "../keys/verification/key-cache.js";
import type { Lifecycle } from "./lifecycle.js";

export interface ReadinessOptions {
  database: Database;
  cache: KeyCache;
  guards: AbuseGuards;
  lifecycle: Lifecycle;
}

/**
 * GET /readyz: 200 when this instance should receive traffic. A 503 is in the error shape (with
 * Retry-After) and also says which dependency is missing: draining, database, notifications, Redis.
 */
export function registerReadiness(app: FastifyInstance, options: ReadinessOptions): void {
  const { database, cache, guards, lifecycle } = options;
  app.get("/readyz", { schema: { hide: true } }, async (request, reply) => {
    const dialect = database.dialect;
    if (lifecycle.isDraining) {
      return unready(request, reply, "Keyward is shutting down.", { database: dialect, draining: true });
    }
    try {
      await database.db.selectFrom("accounts").select("id").limit(1).execute();
    } catch (error) {
      // A saturated pool is overload, not an outage: still unready (the balancer sheds load), said so.
      const message = isPoolExhausted(error)
        ? "Every database connection is busy."
        : "The database does not answer.";
      return unready(request, reply, message, { database: dialect });
    }
    // An untrusted cache means notifications are not subscribed: still correct, but not ready.
    if (!cache.isTrusted) {
      const message = "Not subscribed to change notifications yet.";
      return unready(request, reply, message, { database: dialect, notifications: false });
    }
    // Without Redis every instance falls back the same way (API keys verified, limits counted per
    // instance, sign-in refused): taking them all out of the load balancer would stop the API too.
    const redis = await guards.checkRedis();
    if (redis === "unreachable") {
      return { status: "degraded", database: dialect, cacheTrusted: cache.isTrusted, redis };
    }
    return { status: "ready", database: dialect, cacheTrusted: cache.isTrusted, redis };
  });
}

function unready(request: FastifyRequest, reply: FastifyReply, message: string, details: object) {
  return reply
    .status(503)
    .header("retry-after", "1")
    .send({
      status: "unavailable",
      ...details,
      error: { code: "service_unavailable", message, requestId: request.id },
    });
}
