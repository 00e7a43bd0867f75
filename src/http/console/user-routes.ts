import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { createUser, newUserSchema } from "../../users/create-user.js";
import { deactivateUser } from "../../users/deactivate-user.js";
import { listUsers } from "../../users/list-users.js";
import { grantApiAccess, removeApiAccess } from "../../users/set-api-access.js";
import type { RouteDeps } from "./deps.js";
import { errorResponses, idParamsSchema, userSchema } from "./schemas.js";

const tags = ["Console: users"];

export async function userRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const userResponse = { response: { 200: userSchema, ...errorResponses } };

  routes.get(
    "/users",
    {
      schema: {
        tags,
        summary: "The account's users (Administrators only)",
        response: { 200: z.object({ items: z.array(userSchema), nextCursor: z.null() }), ...errorResponses },
      },
    },
    async (request) => ({ items: await listUsers(ctx.db, { actor: request.actor }), nextCursor: null }),
  );

  routes.post(
    "/users",
    {
      schema: {
        tags,
        summary: "Create a user (Administrators only)",
        body: newUserSchema.strict(),
        response: { 201: userSchema, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createUser(ctx, { actor: request.actor, user: request.body })),
  );

  routes.post(
    "/users/:id/api-access",
    {
      schema: {
        tags,
        summary: "Grant a Marketplace Manager API access",
        params: idParamsSchema,
        ...userResponse,
      },
    },
    async (request) => grantApiAccess(ctx, { actor: request.actor, userId: request.params.id }),
  );

  routes.delete(
    "/users/:id/api-access",
    {
      schema: {
        tags,
        summary: "Remove a Marketplace Manager's API access; their keys stop working at once",
        params: idParamsSchema,
        ...userResponse,
      },
    },
    async (request) => removeApiAccess(ctx, { actor: request.actor, userId: request.params.id }),
  );

  routes.post(
    "/users/:id/deactivate",
    {
      schema: {
        tags,
        summary: "Deactivate a user; their sessions end and keys stop working",
        params: idParamsSchema,
        ...userResponse,
      },
    },
    async (request) => deactivateUser(ctx, { actor: request.actor, userId: request.params.id }),
  );
}
