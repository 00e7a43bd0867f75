import type { FastifyInstance } from "fastify";
import type { Config } from "../config.js";

// Probes and scrapes arrive every few seconds from every balancer and Prometheus: debug, not info.
const probePaths = new Set(["/healthz", "/readyz", "/metrics"]);

/** One line per request when it completes: method, path (keys redacted), status, duration, request id. */
export function registerAccessLog(app: FastifyInstance, level: Config["accessLogLevel"]): void {
  if (level === "silent") return;
  app.addHook("onResponse", (request, reply, done) => {
    const path = request.url.split("?")[0] ?? "";
    const lineLevel = probePaths.has(path) ? "debug" : level;
    request.log[lineLevel](
      {
        req: request,
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime * 10) / 10,
      },
      "request completed",
    );
    done();
  });
}
