import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { describePermissions } from "../keys/permissions.js";
import { permissionsViewSchema } from "./console/schemas.js";
import { errorResponseSchema } from "./error-schemas.js";

/** GET /api/v1/key: who am I — the calling key's id, name and permissions, never the secret. */
export async function keyInfoRoute(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/key",
    {
      schema: {
        tags: ["Marketplace API"],
        summary: "The calling API key: id, name and permissions",
        security: [{ apiKey: [] }],
        response: {
          200: z.object({
            id: z.string(),
            name: z.string(),
            permissions: permissionsViewSchema,
            permissionsSummary: z.string(),
          }),
          401: errorResponseSchema,
        },
      },
    },
    async (request) => {
      const key = request.apiKey;
      return {
        id: key.id,
        name: key.name,
        permissions: key.permissions,
        permissionsSummary: describePermissions(key.permissions),
      };
    },
  );
}
