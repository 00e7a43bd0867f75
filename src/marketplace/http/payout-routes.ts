import * as z from "zod";
import { type AnyRoute, defineRoute } from "../../http/routes/define-route.js";
import type { RouteDeps } from "../../http/routes/route-deps.js";
import { createPageSchema, pageQuery } from "../../shared/pagination.js";
import { syncQuery } from "../change-feed.js";
import { listPayouts } from "../list-payouts.js";
import { payoutSchema, payoutStatuses } from "../payout-view.js";
import { sellerIdQuery, tag } from "./schemas.js";

const listPayoutsQuery = z.strictObject({
  sellerId: sellerIdQuery,
  status: z.enum(payoutStatuses).optional(),
  ...syncQuery,
  ...pageQuery,
});

export function payoutRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/payouts",
      operationId: "listPayouts",
      tag,
      summary: "List weekly payouts to sellers, most recent first",
      auth: { kind: "key", permission: { section: "payouts", access: "read" } },
      querystring: listPayoutsQuery,
      status: 200,
      response: createPageSchema(payoutSchema),
      handler: async (request) =>
        listPayouts(ctx.db, { accountId: request.apiKey.accountId, ...request.query }),
    }),
  ];
}
