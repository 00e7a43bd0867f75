import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import type { Config } from "../config.js";
import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import { requireApiAccess } from "../keys/key-view.js";
import { findSessionActor, isValidCsrfToken } from "../sessions/sessions.js";
import { requireAdministrator } from "../users/actor.js";

export const sessionCookie = "keyward_session";
const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Binds a session check to every route registered in `app` (a scope) from now on: resolves the session
 * cookie to `request.actor`, requires the CSRF token on every state-changing method, and then what the
 * route declares (API access, Administrator) — all before the route's input is validated.
 */
/** Sent by the console on requests it makes on its own (polling): they don't count as activity. */
export const backgroundHeader = "x-keyward-background";

export function registerSessionAuth(app: FastifyInstance, options: { db: Db; config: Config }): void {
  const policy = { idleMs: options.config.sessionIdleMs, maxMs: options.config.sessionMaxMs };
  app.decorateRequest("actor", null as never);
  app.addHook("onRoute", (route) => {
    const auth = route.config?.auth;
    if (auth?.kind !== "session") return;
    const requirement = auth.requires;
    const authenticate: onRequestAsyncHookHandler = async (request) => {
      const token = request.cookies[sessionCookie];
      const isActivity = request.headers[backgroundHeader] === undefined;
      const actor = token
        ? await findSessionActor(options.db, { token, ip: request.ip, policy, isActivity })
        : null;
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
      if (requirement === "api_access") requireApiAccess(actor);
      if (requirement === "administrator") requireAdministrator(actor);
      request.actor = actor;
    };
    route.onRequest = [...[route.onRequest ?? []].flat(), authenticate];
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
