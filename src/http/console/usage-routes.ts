import * as z from "zod";
import { permissionsInputSchema, validatePermissions } from "../../keys/permissions.js";
import { accountUsageSchema, getAccountUsage } from "../../usage/account-usage.js";
import {
  defaultAdviceDays,
  dryRunPermissions,
  dryRunSchema,
  getKeyAdvice,
  keyAdviceSchema,
  listAccountAdvice,
} from "../../usage/key-advice.js";
import { getKeyUsage, keyUsageSchema } from "../../usage/key-usage.js";
import { usageRangeSchema } from "../../usage/usage-ranges.js";
import { type AnyRoute, defineRoute } from "../routes/define-route.js";
import type { RouteDeps } from "../routes/route-deps.js";
import { idParamsSchema } from "../routes/shared-schemas.js";

const tag = "Console: usage";
const daysQuery = z.coerce
  .number()
  .int()
  .min(1)
  .max(90)
  .default(defaultAdviceDays)
  .describe("How many days of usage to judge by, 1 to 90.");

export function usageRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/keys/:id/usage",
      operationId: "getKeyUsage",
      tag,
      summary: "A key's requests over time by status class, its busiest routes and its client addresses",
      auth: { kind: "session", requires: "api_access" },
      params: idParamsSchema,
      querystring: z.strictObject({ range: usageRangeSchema }),
      status: 200,
      response: keyUsageSchema,
      errors: ["not_found"],
      handler: async (request) =>
        getKeyUsage(ctx.db, { actor: request.actor, keyId: request.params.id, range: request.query.range }),
    }),
    defineRoute({
      method: "GET",
      url: "/keys/:id/advice",
      operationId: "getKeyAdvice",
      tag,
      summary: "The permissions a key really used, and narrower ones that cover them",
      auth: { kind: "session", requires: "api_access" },
      params: idParamsSchema,
      querystring: z.strictObject({ days: daysQuery }),
      status: 200,
      response: keyAdviceSchema,
      errors: ["not_found"],
      handler: async (request) =>
        getKeyAdvice(ctx.db, { actor: request.actor, keyId: request.params.id, days: request.query.days }),
    }),
    defineRoute({
      method: "POST",
      url: "/keys/:id/dry-run",
      operationId: "dryRunKeyPermissions",
      tag,
      summary: "What new permissions would have refused over recent usage, before an edit is made",
      description:
        "Changes nothing. Counts the key's authorized requests the new permissions would not allow.",
      auth: { kind: "session", requires: "api_access" },
      params: idParamsSchema,
      body: z.strictObject({ permissions: permissionsInputSchema, days: daysQuery.optional() }),
      status: 200,
      response: dryRunSchema,
      errors: ["not_found"],
      handler: async (request) =>
        dryRunPermissions(ctx.db, {
          actor: request.actor,
          keyId: request.params.id,
          permissions: validatePermissions(request.body.permissions),
          days: request.body.days,
        }),
    }),
    defineRoute({
      method: "GET",
      url: "/usage",
      operationId: "getAccountUsage",
      tag,
      summary:
        "Every key side by side: the busiest, the highest error rates, the unused (Administrators only)",
      auth: { kind: "session", requires: "administrator" },
      querystring: z.strictObject({ range: usageRangeSchema }),
      status: 200,
      response: accountUsageSchema,
      handler: async (request) =>
        getAccountUsage(ctx.db, { actor: request.actor, range: request.query.range }),
    }),
    defineRoute({
      method: "GET",
      url: "/advice",
      operationId: "listAccountAdvice",
      tag,
      summary: "Keys that hold more than they use, or sit unused (Administrators only)",
      auth: { kind: "session", requires: "administrator" },
      querystring: z.strictObject({ days: daysQuery }),
      status: 200,
      response: z.object({ items: z.array(keyAdviceSchema) }),
      handler: async (request) => ({
        items: await listAccountAdvice(ctx.db, { actor: request.actor, days: request.query.days }),
      }),
    }),
  ];
}
