import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config.js";
import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import { findSessionActor, isValidCsrfToken } from "../sessions/sessions.js";

export const sessionCookie = "keyward_session";
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * onRequest hook for /console/api: resolves the session cookie to `request.actor` and, for every
 * state-changing method, requires the session's CSRF token in X-CSRF-Token.
 */
export function registerSessionAuth(app: FastifyInstance, options: { db: Db; config: Config }): void {
  const policy = { idleMs: options.config.sessionIdleMs, maxMs: options.config.sessionMaxMs };
  app.decorateRequest("actor", null as never);
  app.addHook("onRequest", async (request) => {
    if (request.routeOptions.config.isPublic) return;
    const token = request.cookies[sessionCookie];
    const actor = token ? await findSessionActor(options.db, { token, ip: request.ip, policy }) : null;
    if (!token || !actor) throw new AppError("not_signed_in", "Sign in to continue.");
    if (!safeMethods.has(request.method)) {
      const presented = request.headers["x-csrf-token"];
      if (typeof presented !== "string" || !isValidCsrfToken(token, presented)) {
        throw new AppError(
          "csrf_failed",
          "Missing or invalid X-CSRF-Token header. Reload the console and try again.",
        );
      }
    }
    request.actor = actor;
  });
}

export function setSessionCookie(
  reply: FastifyReply,
  request: FastifyRequest,
  token: string,
  config: Config,
) {
  const secure =
    config.secureCookies === "always" || (config.secureCookies === "auto" && request.protocol === "https");
  reply.setCookie(sessionCookie, token, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: Math.floor(config.sessionMaxMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply) {
  reply.clearCookie(sessionCookie, { path: "/" });
}
