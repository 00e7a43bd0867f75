import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  onResponseHookHandler,
} from "fastify";
import { AppError } from "../errors.js";
import type { RequiredPermission } from "../keys/permissions.js";
import type { RateLimitState } from "../keys/rate-limit/key-rate-limiter.js";
import type { KeyVerifier, Verification } from "../keys/verification/verify-key.js";
import type { UsageCounter } from "../usage/usage-counter.js";

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

/** The key a request was made with, for usage counting (refused requests of a known key included). */
export interface KeyUsageRef {
  keyId: string;
  accountId: string;
  isAuthorized: boolean;
}

type Done = (error?: AppError) => void;

/**
 * onRequest hook for one keyed route: asks the verifier one question and maps the answer to HTTP.
 * Callback style, and synchronous on a cache hit: a valid cached key allocates no promise.
 */
export function apiKeyAuth(
  verifier: KeyVerifier,
  required: RequiredPermission | undefined,
  route?: string,
): onRequestHookHandler {
  function finish(request: FastifyRequest, reply: FastifyReply, answer: Verification, done: Done) {
    if (answer.rateLimit !== undefined) setRateLimitHeaders(reply, answer.rateLimit);
    if (answer.valid) {
      request.apiKey = answer.key;
      request.keyUsage = { keyId: answer.key.id, accountId: answer.key.accountId, isAuthorized: true };
      return done();
    }
    const { code, message, retryAfterSeconds, required: missing, keyId, accountId } = answer;
    if (keyId !== undefined && accountId !== undefined)
      request.keyUsage = { keyId, accountId, isAuthorized: false };
    done(
      new AppError(code, message, {
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
        ...(missing === undefined ? {} : { required: missing }),
      }),
    );
  }

  return function authenticate(request, reply, done: Done) {
    // The User-Agent and route ride along for a canary's alert; reading them costs a property lookup.
    const userAgent = request.headers["user-agent"];
    const options =
      required === undefined
        ? { ip: request.ip, connection: request.raw.socket, userAgent, route }
        : { ip: request.ip, connection: request.raw.socket, required, userAgent, route };
    const answer = verifier.verify(readPresentedKey(request), options);
    if (!(answer instanceof Promise)) return finish(request, reply, answer, done);
    answer.then(
      (settled) => finish(request, reply, settled, done),
      (error: AppError) => done(error),
    );
  };
}

/** The IETF RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): the policy and what is left. */
function setRateLimitHeaders(reply: FastifyReply, state: RateLimitState): void {
  reply.header("ratelimit-policy", `"key";q=${state.limit.requests};w=${state.limit.windowSeconds}`);
  reply.header("ratelimit", `"key";r=${state.remaining};t=${state.resetSeconds}`);
}

/**
 * Puts the API-key hook on every keyed route registered in `app` (a scope) from now on, each hook bound
 * to its route's permission, and counts each of the route's responses in the key's usage: nothing is
 * looked up per request.
 */
export function registerApiKeyAuth(app: FastifyInstance, verifier: KeyVerifier, usage?: UsageCounter): void {
  app.decorateRequest("apiKey", null as never);
  app.decorateRequest("keyUsage", null);
  app.addHook("onRoute", (route) => {
    const auth = route.config?.auth;
    if (auth?.kind !== "key") return;
    const routeName = `${[route.method].flat().join(",")} ${route.url}`;
    const authenticate = apiKeyAuth(verifier, auth.permission, routeName);
    route.onRequest = [...[route.onRequest ?? []].flat(), authenticate];
    if (usage === undefined) return;
    const permission = auth.permission ? `${auth.permission.section}:${auth.permission.access}` : "none";
    const countUsage: onResponseHookHandler = (request, reply, done) => {
      const ref = request.keyUsage;
      if (ref !== null) {
        usage.count({ ...ref, route: routeName, permission, statusCode: reply.statusCode, ip: request.ip });
      }
      done();
    };
    route.onResponse = [...[route.onResponse ?? []].flat(), countUsage];
  });
}
