import * as z from "zod";
import { auditActionIds } from "../../audit/audit-actions.js";
import { auditEventSchema, listAuditEvents } from "../../audit/list-audit-events.js";
import { createPageSchema, pageQuery } from "../../shared/pagination.js";
import { timestampSchema } from "../../shared/schemas.js";
import { idTextSchema } from "../../shared/validation.js";
import { type AnyRoute, defineRoute } from "../routes/define-route.js";
import type { RouteDeps } from "../routes/route-deps.js";

export function auditRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/audit",
      operationId: "listAuditEvents",
      tag: "Console: audit log",
      summary: "The account's audit trail, newest first (Administrators only)",
      auth: { kind: "session", requires: "administrator" },
      querystring: z.strictObject({
        action: z.enum(auditActionIds).optional(),
        actorId: idTextSchema.optional(),
        from: timestampSchema
          .optional()
          .describe("Events at or after this instant, e.g. 2026-12-01T00:00:00Z."),
        to: timestampSchema
          .optional()
          .describe(
            "Events before this instant (excluded), e.g. 2026-12-02T00:00:00Z for all of 1 December.",
          ),
        ...pageQuery,
      }),
      status: 200,
      response: createPageSchema(auditEventSchema),
      handler: async (request) => listAuditEvents(ctx.db, { actor: request.actor, ...request.query }),
    }),
  ];
}
