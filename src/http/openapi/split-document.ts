// Turns the one document @fastify/swagger generates into two — the marketplace API integrators use
// with an API key, and the console API the console uses with a session — each with only the
// components it refers to, and with response schemas that allow fields to be added.

import { applyDocumentConventions } from "./document-conventions.js";

export type ApiName = "marketplace" | "console" | "service";

interface ApiDescription {
  name: ApiName;
  title: string;
  pathPrefix: string;
  documentPath: string;
  description: string;
  securitySchemes: string[];
}

export const apis: ApiDescription[] = [
  {
    name: "marketplace",
    title: "Keyward Marketplace API",
    pathPrefix: "/api/v1/",
    documentPath: "/api/v1/openapi.json",
    description:
      'Reports, orders, catalog, sellers and payouts of your marketplace. Authenticate with an API key from Account > API Keys (`Authorization: Bearer mpk_…` or `X-Api-Key`); each operation names the permission it needs. Errors are `{"error":{"code","message","requestId"}}`. Fields may be added to responses at any time; see docs/api-changes.md.',
    securitySchemes: ["apiKey", "apiKeyHeader"],
  },
  {
    name: "console",
    title: "Keyward Console API",
    pathPrefix: "/console/api/",
    documentPath: "/console/api/openapi.json",
    description:
      "What the Keyward console uses: sessions, API keys, users and the audit log. Signed in with a session cookie; every state-changing request carries X-CSRF-Token.",
    securitySchemes: ["session"],
  },
  {
    name: "service",
    title: "Keyward Verification API",
    pathPrefix: "/service/v1/",
    documentPath: "/service/v1/openapi.json",
    description:
      "For your own backends: verify an API key your client presented (`POST /service/v1/verify`) and follow the change stream that tells verifiers which cached keys to drop. Authenticate with a service token from Settings > Service tokens (`Authorization: Bearer kws_…`). A token verifies only its own account's keys.",
    securitySchemes: ["serviceToken"],
  },
];

type Json = Record<string, unknown>;

export function splitDocument(full: Json, name: ApiName): Json {
  const api = apis.find((candidate) => candidate.name === name);
  if (!api) throw new Error(`unknown API ${name}`);
  const allPaths = (full.paths ?? {}) as Record<string, Json>;
  const paths: Record<string, Json> = {};
  for (const [path, item] of Object.entries(allPaths)) {
    if (path.startsWith(api.pathPrefix) && !path.endsWith("/openapi.json")) paths[path] = item;
  }
  const components = (full.components ?? {}) as Json;
  const allSchemas = (components.schemas ?? {}) as Record<string, Json>;
  const schemas: Record<string, Json> = {};
  for (const ref of referencedSchemas(paths, allSchemas)) {
    const schema = allSchemas[ref];
    if (schema) schemas[ref] = allowAdditions(schema);
  }
  for (const item of Object.values(paths)) {
    for (const operation of Object.values(item) as Json[]) allowAdditionsInResponses(operation);
  }
  const allSchemes = (components.securitySchemes ?? {}) as Record<string, unknown>;
  const split: Json = {
    schemas,
    securitySchemes: Object.fromEntries(api.securitySchemes.map((scheme) => [scheme, allSchemes[scheme]])),
  };
  applyDocumentConventions(paths, split, api.securitySchemes.includes("apiKey"));
  return {
    openapi: full.openapi,
    info: {
      title: api.title,
      version: (full.info as Json).version,
      description: api.description,
      // Keyward is not published under an open-source licence; its API description neither.
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
    },
    // Relative: the API is at the same origin as the document, wherever Keyward is deployed.
    servers: [{ url: "/", description: "The Keyward that serves this document" }],
    paths,
    components: split,
  };
}

/** Every component schema the paths refer to, directly or through other components. */
function referencedSchemas(paths: Json, schemas: Record<string, Json>): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== "object") return;
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") {
        const name = child.replace("#/components/schemas/", "");
        if (!found.has(name)) {
          found.add(name);
          visit(schemas[name]);
        }
      } else visit(child);
    }
  };
  visit(paths);
  return found;
}

/** Responses may gain fields: a validating client must not break on one, so nothing forbids them. */
function allowAdditions<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map(allowAdditions) as T;
  if (schema === null || typeof schema !== "object") return schema;
  const copy: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "additionalProperties" && value === false) continue;
    copy[key] = allowAdditions(value);
  }
  return copy as T;
}

const successDescriptions: Record<string, string> = {
  "200": "Success.",
  "201": "Created.",
  "202": "Accepted.",
  "204": "Done; no content.",
};

function allowAdditionsInResponses(operation: Json): void {
  const responses = operation.responses as Record<string, Json> | undefined;
  for (const [status, response] of Object.entries(responses ?? {})) {
    if (response.description === "Default Response")
      response.description = describeSuccess(response) ?? successDescriptions[status] ?? "Success.";
    const content = response.content as Record<string, Json> | undefined;
    for (const media of Object.values(content ?? {})) media.schema = allowAdditions(media.schema);
  }
}

/** "The Order." or "One page of Order items; …" from the response's named schema. */
function describeSuccess(response: Json): string | undefined {
  const schema = (response.content as Record<string, Json> | undefined)?.["application/json"]?.schema as
    | Json
    | undefined;
  const named = (value: unknown) => (value as Json | undefined)?.$ref?.toString().split("/").pop();
  const single = named(schema);
  if (single) return `The ${single}.`;
  const items = (schema?.properties as Record<string, Json> | undefined)?.items;
  const item = named(items?.items);
  if (item)
    return `One page of ${item} items; pass \`nextCursor\` as \`cursor\` for the next, until it is null.`;
  return undefined;
}
