import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import type { RouteInfo } from "./app.js";
import { sendError } from "./error-handler.js";
import { answerPreflight } from "./marketplace-conventions.js";

// Paths that are never console pages: a missing asset or API path is a 404 in the error shape, not the
// index page (a console left open across a release asks for old chunks; HTML in their place would fail
// with a confusing MIME-type error). So is anything that names a file, such as /openapi.json.
const notPagePrefixes = ["/api/", "/console/api/", "/docs", "/assets/"];
const namesAFile = /\/[^/?]+\.[a-z0-9]+(\?|$)/i;

/**
 * What the app answers when no route matched: the console's index.html for its client-side routes;
 * for a known API path with another method, 405 with `Allow` (and a browser's preflight, 204 or a clear
 * refusal); otherwise 404 in the error shape.
 */
export function registerNotFound(
  app: FastifyInstance,
  options: { config: Config; routes: RouteInfo[]; hasConsole: boolean; onNotFound?: () => void },
): void {
  const methodsFor = allowedMethods(options.routes);
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0] ?? "";
    const isPage =
      request.method === "GET" &&
      !notPagePrefixes.some((prefix) => path.startsWith(prefix)) &&
      !namesAFile.test(path);
    if (isPage && options.hasConsole) return reply.type("text/html").sendFile("index.html");
    if (isPage) {
      return reply
        .type("text/plain")
        .send("The Keyward console has not been built. Run `npm run build`, then restart the server.");
    }
    const allow = methodsFor(path);
    if (allow.length > 0 && request.method === "OPTIONS" && path.startsWith("/api/")) {
      return answerPreflight(request, reply, options.config, allow);
    }
    if (allow.length > 0) {
      reply.header("allow", allow.join(", "));
      return sendError(request, reply, methodNotAllowed(request, allow));
    }
    options.onNotFound?.();
    return sendError(request, reply, new AppError("not_found", `No route ${request.method} ${path}.`));
  });
}

function methodNotAllowed(request: FastifyRequest, allow: string[]): AppError {
  return new AppError(
    "method_not_allowed",
    `${request.method} is not allowed here; this path takes ${allow.join(", ")}.`,
  );
}

/** For a concrete path, the methods routes declare for its template (`/api/v1/orders/:id`). */
function allowedMethods(routes: RouteInfo[]): (path: string) => string[] {
  const templates = new Map<string, { pattern: RegExp; methods: Set<string> }>();
  for (const route of routes) {
    const entry = templates.get(route.url) ?? {
      pattern: new RegExp(`^${route.url.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:\w+/g, "[^/]+")}$`),
      methods: new Set<string>(),
    };
    entry.methods.add(route.method);
    if (route.method === "GET") entry.methods.add("HEAD");
    templates.set(route.url, entry);
  }
  return (path) => {
    for (const { pattern, methods } of templates.values()) if (pattern.test(path)) return [...methods].sort();
    return [];
  };
}
