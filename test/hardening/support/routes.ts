import type { FastifyInstance } from "fastify";
import type { RouteInfo } from "../../../src/http/app.js";

/** "METHOD /url" — how the suites name a route, e.g. "POST /console/api/keys/:id/revoke". */
export function routeKey(route: Pick<RouteInfo, "method" | "url">): string {
  return `${route.method} ${route.url}`;
}

export function isConsoleRoute(route: RouteInfo): boolean {
  return route.url.startsWith("/console/api/");
}

export function isMarketplaceRoute(route: RouteInfo): boolean {
  return route.url.startsWith("/api/v1/") && !isLeakReportRoute(route);
}

/** Where anyone (or GitHub) reports a leaked key: public, outside both APIs' authentication. */
export function isLeakReportRoute(route: Pick<RouteInfo, "method" | "url">): boolean {
  return ["POST /api/v1/leaked-keys", "POST /secret-scanning/github"].includes(routeKey(route));
}

export function isStateChanging(route: Pick<RouteInfo, "method">): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(route.method);
}

/** The kinds of record a route's `:id` can name. A route naming anything else fails the suites loudly. */
export const resources = [
  "keys",
  "users",
  "orders",
  "products",
  "sellers",
  "sessions",
  "webhooks",
  "canaries",
  "inbox",
  "service-tokens",
] as const;
export type Resource = (typeof resources)[number];
export type ResourceIds = Record<Resource, string>;

/** The resource a route's `:id` names (the path segment before it), or undefined for a route without one. */
export function resourceOf(route: Pick<RouteInfo, "method" | "url">): Resource | undefined {
  const segments = route.url.split("/");
  const params = segments.filter((segment) => segment.startsWith(":"));
  if (params.length === 0) return undefined;
  const index = segments.indexOf(":id");
  const resource = segments[index - 1];
  if (params.length !== 1 || index < 0 || !resources.includes(resource as Resource)) {
    throw new Error(
      `The hardening suites don't know how to call ${routeKey(route)}: its path parameters ${params.join(", ")} ` +
        `name no known resource (${resources.join(", ")}). Teach test/hardening/support/routes.ts about it.`,
    );
  }
  return resource as Resource;
}

/** The route's URL with `:id` replaced by the id of the right resource (URL-encoded). */
export function fillPath(route: Pick<RouteInfo, "method" | "url">, ids: Partial<ResourceIds>): string {
  const resource = resourceOf(route);
  if (resource === undefined) return route.url;
  const id = ids[resource];
  if (id === undefined) throw new Error(`no ${resource} id given for ${routeKey(route)}`);
  return route.url.replace(":id", encodeURIComponent(id));
}

/** What a route accepts, read from the OpenAPI document the app generates from its zod schemas. */
export interface RouteShape {
  takesBody: boolean;
  bodyFields: string[];
  queryFields: string[];
}

interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
  parameters?: { in: string; name: string }[];
}

/** Every route's shape, keyed by routeKey. */
export function readRouteShapes(app: FastifyInstance): Map<string, RouteShape> {
  const document = app.swagger() as { paths?: Record<string, Record<string, OpenApiOperation>> };
  const shapes = new Map<string, RouteShape>();
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      const url = path.replace(/\{(\w+)\}/g, ":$1");
      const body = operation.requestBody?.content?.["application/json"]?.schema;
      shapes.set(routeKey({ method: method.toUpperCase(), url }), {
        takesBody: body !== undefined,
        bodyFields: Object.keys(body?.properties ?? {}),
        queryFields: (operation.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
      });
    }
  }
  return shapes;
}

/** The shape of one route; throws if the OpenAPI document doesn't describe it (a route without a schema). */
export function shapeOf(shapes: Map<string, RouteShape>, route: RouteInfo): RouteShape {
  const shape = shapes.get(routeKey(route));
  if (!shape)
    throw new Error(`${routeKey(route)} is missing from the OpenAPI document: does it declare a schema?`);
  return shape;
}

/**
 * A body each route that takes one accepts, so a suite can reach the check it is about (ownership,
 * role, CSRF…) rather than validation. A new route with a body fails loudly until it has an entry here.
 */
export function validBodyFor(route: RouteInfo, context: { email: string; password: string }): unknown {
  const bodies: Record<string, () => unknown> = {
    "POST /console/api/session": () => ({ email: context.email, password: context.password }),
    "POST /console/api/keys": () => ({ name: "Hardening probe", permissions: { all: true } }),
    "PATCH /console/api/keys/:id": () => ({ name: "Hardening probe (renamed)" }),
    "POST /console/api/keys/:id/roll": () => ({ grace: "1h" }),
    "POST /console/api/keys/:id/dry-run": () => ({
      permissions: { all: false, sections: { reporting: "read" } },
    }),
    "PATCH /console/api/account/policy": () => ({ maxKeyLifetime: "none" }),
    "POST /console/api/service-tokens": () => ({ name: "Hardening probe" }),
    "POST /console/api/users/:id/api-access": () => ({}),
    "PUT /console/api/users/:id/permission-ceiling": () => ({ ceiling: { all: true } }),
    "POST /console/api/users": () => ({
      email: `probe-${Math.random().toString(36).slice(2)}@example.test`,
      name: "Probe User",
      role: "marketplace_manager",
      password: "probe-password-long-enough",
    }),
    // Called by a user made for the test: the change ends that user's other sessions.
    "POST /console/api/session/password": () => ({
      currentPassword: context.password,
      newPassword: "probe-new-password-long-enough",
    }),
    "PATCH /api/v1/products/:id": () => ({ stock: 7 }),
    "PATCH /api/v1/sellers/:id": () => ({ name: "Probe Seller" }),
    "POST /console/api/webhooks": () => ({ url: "https://93.184.215.14/probe", events: ["all"] }),
    "PATCH /console/api/webhooks/:id": () => ({ description: "Probe endpoint" }),
    "POST /console/api/canaries": () => ({ name: "Probe canary" }),
    "PUT /console/api/account/leak-policy": () => ({ leakPolicy: "notify" }),
    "POST /api/v1/leaked-keys": () => ({ keys: ["mpk_000000000000000000000000000000000000"] }),
    "POST /service/v1/verify": () => ({ key: "mpk_000000000000000000000000000000000000" }),
    "POST /service/v1/changes/ack": () => ({ subscriberId: 1, messageId: "probe" }),
  };
  const make = bodies[routeKey(route)];
  if (!make) {
    throw new Error(
      `The hardening suites don't know a valid body for ${routeKey(route)}. Add one to validBodyFor in test/hardening/support/routes.ts.`,
    );
  }
  return make();
}
