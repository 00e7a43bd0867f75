import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from "fastify";
import type { KeyFailureLimiter } from "../abuse/key-failure-limiter.js";
import { AppError } from "../errors.js";
import type { CachedKey } from "../keys/key-cache.js";
import { allows } from "../keys/permissions.js";
import { type KeyVerifier, rejectionFor } from "../keys/verify-key.js";
import { findSection } from "../marketplace/sections.js";
import type { RoutePermission } from "./request-context.js";

const bearer = /^bearer\s+(\S+)\s*$/i;

/** The key from `Authorization: Bearer <key>`, else `X-Api-Key`. */
export function readPresentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    // One regex pass on the hot path; a malformed header falls through to X-Api-Key.
    const match = bearer.exec(authorization);
    if (match) return match[1];
  }
  const header = request.headers["x-api-key"];
  return typeof header === "string" ? header.trim() : undefined;
}

type Done = (error?: AppError) => void;

/**
 * onRequest hook for one /api/v1 route: verifies the key and checks the route's declared permission.
 * Callback style, and synchronous on a cache hit: a valid cached key allocates no promise and never
 * consults the failure limiter.
 */
export function apiKeyAuth(
  verifier: KeyVerifier,
  limiter: KeyFailureLimiter | undefined,
  required: RoutePermission | undefined,
): onRequestHookHandler {
  const denial = required === undefined ? undefined : permissionDenial(required);

  function reject(request: FastifyRequest, error: AppError, done: Done) {
    if (!limiter) return done(error);
    limiter.recordFailure(request.ip).then(
      (limited) => done(limited ?? error),
      () => done(error),
    );
  }

  function finish(request: FastifyRequest, entry: CachedKey, done: Done) {
    if (entry.state !== "active") {
      verifier.outcomes.countRejection(entry.state);
      return reject(request, rejectionFor(entry), done);
    }
    const key = verifier.accept(entry, request.ip);
    if (
      required !== undefined &&
      denial !== undefined &&
      !allows(key.permissions, required.section, required.access)
    ) {
      verifier.outcomes.insufficientPermissions++;
      return done(denial());
    }
    verifier.outcomes.active++;
    request.apiKey = key;
    done();
  }

  return function authenticate(request, _reply, done: Done) {
    const presented = readPresentedKey(request);
    if (presented === undefined || presented === "") {
      verifier.outcomes.missing++;
      done(new AppError("missing_api_key", "Send your API key as 'Authorization: Bearer <key>'."));
      return;
    }
    const found = verifier.lookupCached(presented, request.raw.socket);
    if (typeof found !== "string") return finish(request, found, done);
    const blocked = limiter?.blockedError(request.ip);
    if (blocked) {
      verifier.outcomes.rateLimited++;
      return done(blocked);
    }
    verifier.load(found).then(
      (entry) => finish(request, entry, done),
      (error: AppError) => done(error),
    );
  };
}

/** The 403 for a key without the route's permission, naming the permission and where to add it. */
function permissionDenial(required: RoutePermission): () => AppError {
  const label = findSection(required.section)?.label ?? required.section;
  const permission = `${required.section}:${required.access}`;
  return () =>
    new AppError(
      "insufficient_permissions",
      `This API key lacks the ${permission} permission (${label}, ${required.access}). Edit the key's permissions in Account > API Keys.`,
      { required: permission },
    );
}

/**
 * Puts the API-key hook on every route registered in `app` (a scope) from now on, each hook bound to
 * its route's `config.permission`: nothing is looked up per request.
 */
export function registerApiKeyAuth(
  app: FastifyInstance,
  verifier: KeyVerifier,
  limiter?: KeyFailureLimiter,
): void {
  app.decorateRequest("apiKey", null as never);
  app.addHook("onRoute", (route) => {
    const authenticate = apiKeyAuth(verifier, limiter, route.config?.permission);
    route.onRequest = [...[route.onRequest ?? []].flat(), authenticate];
  });
}
