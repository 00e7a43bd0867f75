import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { Metrics } from "./metrics.js";

/**
 * KEYWARD_METRICS_PORT: /metrics on a listener of its own (same HOST), so the public port needn't
 * serve it. Anything else on this port is 404.
 */
export async function listenForMetrics(metrics: Metrics, host: string, port: number): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== "GET" || (request.url ?? "").split("?")[0] !== "/metrics") {
      response.writeHead(404, { "content-type": "application/json" }).end(
        JSON.stringify({
          error: { code: "not_found", message: "Only GET /metrics is served on this port." },
        }),
      );
      return;
    }
    metrics.render().then(
      (text) => response.writeHead(200, { "content-type": metrics.contentType }).end(text),
      () => response.writeHead(500).end(),
    );
  });
  server.listen(port, host);
  await Promise.race([
    once(server, "listening"),
    once(server, "error").then(([error]) => Promise.reject(error)),
  ]);
  return server;
}
