import { existsSync } from "node:fs";
import { resolve } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import { sendError } from "./error-handler.js";

const apiPrefixes = ["/api/", "/console/api/", "/docs"];

/** Serves the built console at / with a fallback to index.html for its client-side routes. */
export async function registerConsoleAssets(app: FastifyInstance, config: Config): Promise<void> {
  const root = resolve(config.webDistDir);
  const hasConsole = existsSync(resolve(root, "index.html"));
  // wildcard: files are looked up per request, so a rebuild while running serves the new assets.
  if (hasConsole) await app.register(fastifyStatic, { root, wildcard: true, index: "index.html" });
  app.setNotFoundHandler((request, reply) => {
    const isPage = request.method === "GET" && !apiPrefixes.some((prefix) => request.url.startsWith(prefix));
    if (isPage && hasConsole) return reply.type("text/html").sendFile("index.html");
    if (isPage) {
      return reply
        .type("text/plain")
        .send("The Keyward console has not been built. Run `npm run build`, then restart the server.");
    }
    return sendError(
      request,
      reply,
      new AppError("not_found", `No route ${request.method} ${request.url.split("?")[0]}.`),
    );
  });
}
