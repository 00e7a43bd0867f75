import * as z from "zod";
import { type AnyRoute, defineRoute } from "../../http/routes/define-route.js";
import type { RouteDeps } from "../../http/routes/route-deps.js";
import { createPageSchema, pageQuery } from "../../shared/pagination.js";
import { listMarketplaceEvents, marketplaceEventSchema } from "../events/marketplace-events.js";
import { tag } from "./schemas.js";

export function eventRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/events",
      operationId: "listEvents",
      tag,
      summary: "What changed in the marketplace, oldest first: poll with `after` to follow along",
      description:
        "Events: order.paid, order.fulfilled, order.cancelled, order.refunded, product.updated, seller.updated. Each event id is a cursor: pass the last one you processed as `after`; `nextCursor` is always the id to pass next (the feed never ends). Events are in commit order per account, so polling never skips one. A key sees the events of the sections it can read: orders (`orders:read`), products (`catalog:read`), sellers (`sellers:read`).",
      auth: { kind: "key" },
      querystring: z.strictObject({
        after: z.string().trim().max(40).optional().describe("The id of the last event you processed."),
        limit: pageQuery.limit,
      }),
      status: 200,
      response: createPageSchema(marketplaceEventSchema),
      handler: async (request) =>
        listMarketplaceEvents(ctx.db, {
          accountId: request.apiKey.accountId,
          permissions: request.apiKey.permissions,
          ...request.query,
        }),
    }),
  ];
}
