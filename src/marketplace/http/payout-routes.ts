import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { listPayouts } from "../list-payouts.js";
import { createPageSchema } from "../pagination.js";
import { payoutSchema, payoutStatuses } from "../payout-view.js";
import { errorResponses, pageQuery, security, sellerIdQuery, tags } from "./schemas.js";

const listPayoutsQuery = z.strictObject({
  sellerId: sellerIdQuery,
  status: z.enum(payoutStatuses).optional(),
  ...pageQuery,
});

export function registerPayoutRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/payouts",
    {
      config: { permission: { section: "payouts", access: "read" } },
      schema: {
        tags,
        security,
        summary: "List weekly payouts to sellers, most recent first",
        querystring: listPayoutsQuery,
        response: { 200: createPageSchema(payoutSchema), ...errorResponses },
      },
    },
    async (request) => listPayouts(db, { accountId: request.apiKey.accountId, ...request.query }),
  );
}
