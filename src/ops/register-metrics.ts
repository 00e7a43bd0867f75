import type { FastifyInstance, onResponseHookHandler } from "fastify";
import type { KeyCache } from "../keys/verification/key-cache.js";
import type { KeyVerifier } from "../keys/verification/verify-key.js";
import type { Metrics } from "./metrics.js";

/**
 * Times every route and serves GET /metrics. Call before any route is registered: each route gets
 * its own onResponse hook bound to its own series, so a response costs a map lookup by status code.
 * /metrics carries no secrets but describes traffic: keep it off the public internet (README).
 */
export function registerMetrics(
  app: FastifyInstance,
  metrics: Metrics,
  verifier: KeyVerifier,
  cache: KeyCache,
  options: { isServedHere: boolean } = { isServedHere: true },
): void {
  metrics.watchVerifier(verifier, cache);
  app.addHook("onRoute", (route) => {
    const durations = metrics.requestDurations.forRoute([route.method].flat().join(","), route.url);
    const timeResponse: onResponseHookHandler = (_request, reply, done) => {
      durations.observe(reply.statusCode, reply.elapsedTime);
      done();
    };
    route.onResponse = [...[route.onResponse ?? []].flat(), timeResponse];
  });
  // With KEYWARD_METRICS_PORT, /metrics is served by its own listener only (src/ops/metrics-listener.ts).
  if (!options.isServedHere) return;
  app.get("/metrics", { schema: { hide: true } }, async (_request, reply) => {
    reply.header("content-type", metrics.contentType);
    return metrics.render();
  });
}
