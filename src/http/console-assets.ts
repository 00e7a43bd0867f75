import { existsSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import fastifyStatic, { type SetHeadersResponse } from "@fastify/static";
import type { FastifyInstance } from "fastify";
import type { Config } from "../config.js";

/** Vite names every file under assets/ by its content hash: a changed file is a new URL. */
const hashedAssetsDir = "assets";
const foreverCacheControl = "public, max-age=31536000, immutable";

/**
 * Serves the built console at / with a fallback to index.html for its client-side routes. The build
 * leaves a .br and a .gz twin beside each file (web/vite.config.ts); the one the browser accepts is sent.
 * Hashed assets are cached for a year; index.html is revalidated on every load, so a new release (new
 * asset names) reaches people at their next visit. Returns whether the console is built (not-found.ts
 * falls back to its index.html for client-side routes).
 */
export async function registerConsoleAssets(app: FastifyInstance, config: Config): Promise<boolean> {
  const root = resolve(config.webDistDir);
  const hasConsole = existsSync(resolve(root, "index.html"));
  const setHeaders = (response: SetHeadersResponse, path: string) => {
    const isHashed = relative(root, path).startsWith(`${hashedAssetsDir}${sep}`);
    response.setHeader("cache-control", isHashed ? foreverCacheControl : "no-cache");
    response.setHeader("vary", "accept-encoding");
  };
  // wildcard: files are looked up per request, so a rebuild while running serves the new assets.
  if (hasConsole) {
    await app.register(fastifyStatic, {
      root,
      wildcard: true,
      index: "index.html",
      preCompressed: true,
      cacheControl: false,
      setHeaders,
    });
  }
  return hasConsole;
}
