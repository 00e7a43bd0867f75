import swagger from "@fastify/swagger";
import type SwaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import { loadOnUse } from "../../shared/load-on-use.js";
import { docsBranding, withoutUpgradeInsecureRequests } from "./docs-branding.js";
import { type ApiName, apis, splitDocument } from "./split-document.js";
import { withYamlOnFirstUse } from "./yaml-on-first-use.js";

/**
 * The OpenAPI 3.1 documents, generated from the routes' own schemas: the marketplace API at
 * /api/v1/openapi.json and the console API at /console/api/openapi.json, both browsable at /docs.
 * Register before any route so every route is seen.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Keyward", version: "1.0.0" },
      components: {
        securitySchemes: {
          apiKey: {
            type: "http",
            scheme: "bearer",
            description: "An API key from Account > API Keys: `Authorization: Bearer mpk_…`.",
          },
          apiKeyHeader: {
            type: "apiKey",
            in: "header",
            name: "X-Api-Key",
            description:
              "The same API key in the X-Api-Key header, for clients that can't set Authorization.",
          },
          serviceToken: {
            type: "http",
            scheme: "bearer",
            description: "A service token from Settings > Service tokens: `Authorization: Bearer kws_…`.",
          },
          session: {
            type: "apiKey",
            in: "cookie",
            name: "keyward_session",
            description: "The console's session cookie; state-changing requests also need X-CSRF-Token.",
          },
        },
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await withYamlOnFirstUse("@fastify/swagger-ui", async () => {
    const swaggerUi = loadOnUse("@fastify/swagger-ui") as typeof SwaggerUi;
    await app.register(swaggerUi, {
      routePrefix: "/docs",
      staticCSP: true,
      transformStaticCSP: withoutUpgradeInsecureRequests,
      theme: docsBranding.theme,
      logo: docsBranding.logo,
      uiConfig: {
        urls: apis.map((api) => ({ url: api.documentPath, name: api.title })),
        showExtensions: docsBranding.showExtensions,
      },
    });
  });
  for (const api of apis) {
    app.get(api.documentPath, { schema: { hide: true } }, async (_request, reply) => {
      reply.header("cache-control", "no-cache");
      return documentFor(app, api.name);
    });
  }
}

const documents = new WeakMap<FastifyInstance, Map<ApiName, Record<string, unknown>>>();

/** One API's document, built once per app. */
export function documentFor(app: FastifyInstance, name: ApiName): Record<string, unknown> {
  const built = documents.get(app) ?? new Map<ApiName, Record<string, unknown>>();
  documents.set(app, built);
  let document = built.get(name);
  if (document === undefined) {
    document = splitDocument(app.swagger() as unknown as Record<string, unknown>, name);
    built.set(name, document);
  }
  return document;
}
