import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createKey } from "../../keys/create-key.js";
import { keyNameSchema, permissionsSchema } from "../../keys/key-schemas.js";
import { getKey, requireApiAccess } from "../../keys/key-view.js";
import { listKeys } from "../../keys/list-keys.js";
import { revokeKey } from "../../keys/revoke-key.js";
import { updateKey } from "../../keys/update-key.js";
import type { RouteDeps } from "./deps.js";
import { apiKeySchema, errorResponses, idParamsSchema, paginationQuery } from "./schemas.js";

const tags = ["Console: API keys"];

export async function keyRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  // Who may use these routes is decided before their input is: no API access is 403, whatever the body.
  app.addHook("preValidation", async (request) => requireApiAccess(request.actor));

  routes.get(
    "/keys",
    {
      schema: {
        tags,
        summary: "List API keys (Administrators: the account's; Managers: their own)",
        querystring: z.strictObject({
          status: z.enum(["active", "revoked", "all"]).default("active"),
          ...paginationQuery,
        }),
        response: {
          200: z.object({ items: z.array(apiKeySchema), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => listKeys(ctx.db, { actor: request.actor, ...request.query }),
  );

  routes.post(
    "/keys",
    {
      schema: {
        tags,
        summary: "Generate an API key; the response is the only time the full key is shown",
        body: z.object({ name: keyNameSchema, permissions: permissionsSchema }).strict(),
        response: { 201: z.object({ key: apiKeySchema, secret: z.string() }), ...errorResponses },
      },
    },
    async (request, reply) => {
      const result = await createKey(ctx, { actor: request.actor, ...request.body });
      reply.header("cache-control", "no-store");
      return reply.status(201).send(result);
    },
  );

  routes.get(
    "/keys/:id",
    {
      schema: {
        tags,
        summary: "One API key",
        params: idParamsSchema,
        response: { 200: apiKeySchema, ...errorResponses },
      },
    },
    async (request) => getKey(ctx.db, { actor: request.actor, keyId: request.params.id }),
  );

  routes.patch(
    "/keys/:id",
    {
      schema: {
        tags,
        summary: "Edit an API key's name or permissions (owner or Administrator)",
        params: idParamsSchema,
        body: z
          .object({ name: keyNameSchema.optional(), permissions: permissionsSchema.optional() })
          .strict(),
        response: { 200: apiKeySchema, ...errorResponses },
      },
    },
    async (request) => updateKey(ctx, { actor: request.actor, keyId: request.params.id, ...request.body }),
  );

  routes.post(
    "/keys/:id/revoke",
    {
      schema: {
        tags,
        summary: "Revoke an API key permanently (Administrators only)",
        params: idParamsSchema,
        response: { 200: apiKeySchema, ...errorResponses },
      },
    },
    async (request) => revokeKey(ctx, { actor: request.actor, keyId: request.params.id }),
  );
}
