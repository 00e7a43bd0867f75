import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from "fastify";
import { AppError } from "../errors.js";
import type { CachedKey } from "../keys/key-cache.js";
import { allows } from "../keys/permissions.js";
import type { KeyVerifier } from "../keys/verify-key.js";
import { findSection } from "../marketplace/sections.js";

const bearer = /^bearer\s+/i;

/** The key from `Authorization: Bearer <key>`, else `X-Api-Key`. */
export function readPresentedKey(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined && bearer.test(authorization))
    return authorization.replace(bearer, "").trim();
  const header = request.headers["x-api-key"];
  return typeof header === "string" ? header.trim() : undefined;
}

/**
 * onRequest hook for /api/v1: verifies the key and checks the route's declared permission.
 * Callback style, and synchronous on a cache hit: the common case allocates no promise.
 */
export function apiKeyAuth(verifier: KeyVerifier): onRequestHookHandler {
  return function authenticate(request, _reply, done) {
    const presented = readPresentedKey(request);
    if (presented === undefined || presented === "") {
      done(new AppError("missing_api_key", "Send your API key as 'Authorization: Bearer <key>'."));
      return;
    }
    const lookup = verifier.lookup(presented);
    if (lookup instanceof Promise) {
      lookup.then((entry) => done(authorize(verifier, request, entry)), done);
    } else {
      done(authorize(verifier, request, lookup));
    }
  };
}

function authorize(verifier: KeyVerifier, request: FastifyRequest, entry: CachedKey): AppError | undefined {
  try {
    const key = verifier.accept(entry, request.ip);
    const required = request.routeOptions.config.permission;
    if (required && !allows(key.permissions, required.section, required.access)) {
      const label = findSection(required.section)?.label ?? required.section;
      return new AppError(
        "insufficient_permissions",
        `This API key lacks the ${required.section}:${required.access} permission (${label}, ${required.access}). Edit the key's permissions in Account > API Keys.`,
        { required: `${required.section}:${required.access}` },
      );
    }
    request.apiKey = key;
    return undefined;
  } catch (error) {
    return error as AppError;
  }
}

export function registerApiKeyAuth(app: FastifyInstance, verifier: KeyVerifier): void {
  app.decorateRequest("apiKey", null as never);
  app.addHook("onRequest", apiKeyAuth(verifier));
}
