import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import * as z from "zod";
import type { ErrorCode } from "../../errors.js";
import type { RequiredPermission } from "../../keys/permissions.js";
import { etagOf, matchesEtag } from "../../shared/etag.js";
import { errorResponses } from "./error-responses.js";
import { describePermission } from "./route-docs.js";

/** How a route's caller proves who they are; the scope it is registered in enforces it. */
export type RouteAuth =
  | { kind: "key"; permission?: RequiredPermission }
  | { kind: "session"; requires?: SessionRequirement }
  | { kind: "public" }
  /** A service token (`kws_…`) of the operator's own backend: the verification API. */
  | { kind: "service" };

/** What a signed-in user must also have, checked before the route's input is. */
export type SessionRequirement = "api_access" | "administrator";

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;
type SuccessStatus = 200 | 201 | 202 | 204;

export interface RouteDefinition<
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
  R extends Schema = Schema,
> {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  url: string;
  /** Unique across both APIs; the generated clients' method name. */
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: RouteAuth;
  params?: P;
  querystring?: Q;
  body?: B;
  /** The one success status and its body (`z.null()` for 204). */
  status: SuccessStatus;
  response: R;
  /**
   * The response is one resource with `id` and `updatedAt`: it gets a strong ETag, and a GET answers 304
   * to an If-None-Match that names it. (Conditional changes read If-Match themselves.)
   */
  etag?: boolean;
  /**
   * The error codes the operation itself can answer. Codes every route of its kind shares (the key or
   * session checks, invalid input, 429, 503, 500) are added from `auth` and the schemas.
   */
  errors?: ErrorCode[];
  handler: (
    request: FastifyRequest<{ Params: Out<P>; Querystring: Out<Q>; Body: Out<B> }>,
    reply: FastifyReply,
  ) => Promise<z.input<R>>;
}

/** Any route, for lists: each was type-checked by `defineRoute` where it was written. */
// biome-ignore lint/suspicious/noExplicitAny: the list erases each route's own schema types on purpose.
export type AnyRoute = RouteDefinition<any, any, any, any>;

/** Declares a route: its schemas, errors and permission are the OpenAPI document's source, once. */
export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema = Schema,
>(definition: RouteDefinition<P, Q, B, R>): RouteDefinition<P, Q, B, R> {
  return definition;
}

/** The codes a route can answer: its own plus those its kind of caller and its input imply. */
export function errorCodesOf(route: AnyRoute): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  const { auth } = route;
  if (auth.kind === "key") {
    for (const code of [
      "missing_api_key",
      "invalid_api_key",
      "revoked_api_key",
      "api_access_disabled",
      // Key hygiene: any key may be expired, rolled past its grace, or used from outside its allowlist.
      "expired_api_key",
      "rolled_api_key",
      "ip_not_allowed",
    ] as const)
      codes.add(code);
    codes.add("rate_limited");
    // A browser's request (it sends Origin) from an origin the operator did not allow.
    codes.add("cors_not_allowed");
    if (auth.permission) codes.add("insufficient_permissions");
    if (route.method === "POST" || route.method === "PATCH") {
      // Every keyed change takes an Idempotency-Key (src/http/idempotency.ts).
      codes.add("idempotency_key_reused");
      codes.add("idempotency_key_in_progress");
    }
  }
  if (auth.kind === "session") {
    codes.add("not_signed_in");
    if (route.method !== "GET") codes.add("csrf_failed");
    if (auth.requires === "api_access") codes.add("api_access_required");
    if (auth.requires === "administrator") codes.add("administrator_required");
  }
  if (auth.kind === "service") codes.add("invalid_service_token");
  if (route.params || route.querystring || route.body) codes.add("invalid_request");
  // Fastify reads a body sent with any method but GET, whether or not the route takes one.
  if (route.body || route.method !== "GET") {
    codes.add("invalid_request");
    codes.add("payload_too_large");
    codes.add("unsupported_media_type");
  }
  codes.add("service_unavailable");
  codes.add("internal_error");
  return [...codes];
}

/** Registers routes in a scope, in the one style every route of both APIs follows. */
export function registerRoutes(app: FastifyInstance, routes: AnyRoute[]): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  for (const route of routes) {
    const permission = route.auth.kind === "key" ? route.auth.permission : undefined;
    api.route({
      method: route.method,
      url: route.url,
      config: { auth: route.auth },
      schema: {
        operationId: route.operationId,
        tags: [route.tag],
        summary: route.summary,
        description: [route.description, permission && describePermission(permission)]
          .filter(Boolean)
          .join("\n\n"),
        ...(route.auth.kind === "key" ? { security: [{ apiKey: [] }, { apiKeyHeader: [] }] } : {}),
        ...(route.auth.kind === "session" ? { security: [{ session: [] }] } : {}),
        ...(route.auth.kind === "public" ? { security: [] } : {}),
        ...(route.auth.kind === "service" ? { security: [{ serviceToken: [] }] } : {}),
        ...(permission ? { "x-keyward-permission": `${permission.section}:${permission.access}` } : {}),
        ...(route.params ? { params: route.params } : {}),
        ...(route.querystring ? { querystring: route.querystring } : {}),
        ...(route.body ? { body: route.body } : {}),
        response: {
          [route.status]: route.response,
          ...(route.etag && route.method === "GET" ? { 304: notModified } : {}),
          ...errorResponses(errorCodesOf(route)),
        },
      },
      handler: async (request, reply) => {
        const body = await route.handler(request as never, reply);
        reply.status(route.status);
        if (route.etag && isVersioned(body)) {
          const etag = etagOf(body);
          reply.header("etag", etag);
          if (route.method === "GET" && matchesEtag(request.headers["if-none-match"], etag)) {
            return reply.status(304).send();
          }
        }
        return route.status === 204 ? null : body;
      },
    });
  }
}

const notModified = z.null().describe("Not modified: the If-None-Match ETag is still current.");

function isVersioned(body: unknown): body is { id: string; updatedAt: string } {
  const candidate = body as { id?: unknown; updatedAt?: unknown } | null;
  return typeof candidate?.id === "string" && typeof candidate.updatedAt === "string";
}
