import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { listAuditEvents } from "../../audit/list-audit-events.js";
import { auditActions } from "../../audit/record-audit-event.js";
import { sections } from "../../marketplace/sections.js";
import { idTextSchema } from "../../shared/validation.js";
import type { RouteDeps } from "./deps.js";
import { errorResponses, paginationQuery } from "./schemas.js";

const auditEventSchema = z.object({
  id: z.string(),
  action: z.string(),
  actor: z.object({ id: z.string().nullable(), label: z.string() }),
  target: z.object({ type: z.string(), id: z.string() }),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

export async function auditRoutes(app: FastifyInstance, { ctx }: RouteDeps): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  routes.get(
    "/audit",
    {
      schema: {
        tags: ["Console: audit log"],
        summary: "The account's audit trail, newest first (Administrators only)",
        querystring: z.strictObject({
          action: z.enum(auditActions as [string, ...string[]]).optional(),
          actorId: idTextSchema.optional(),
          ...paginationQuery,
        }),
        response: {
          200: z.object({ items: z.array(auditEventSchema), nextCursor: z.string().nullable() }),
          ...errorResponses,
        },
      },
    },
    async (request) => listAuditEvents(ctx.db, { actor: request.actor, ...request.query }),
  );

  routes.get(
    "/sections",
    {
      config: { isPublic: true },
      schema: {
        tags: ["Console: API keys"],
        summary: "The permission sections a key can be granted",
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                label: z.string(),
                description: z.string(),
                accesses: z.array(z.enum(["read", "write"])),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ items: sections.map((s) => ({ ...s, accesses: [...s.accesses] })) }),
  );
}
