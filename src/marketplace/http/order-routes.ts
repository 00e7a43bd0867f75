import * as z from "zod";
import type { AnyRoute } from "../../http/routes/define-route.js";
import { defineRoute } from "../../http/routes/define-route.js";
import type { RouteDeps } from "../../http/routes/route-deps.js";
import { idParamsSchema } from "../../http/routes/shared-schemas.js";
import { createPageSchema, pageQuery } from "../../shared/pagination.js";
import { syncQuery } from "../change-feed.js";
import { fulfilOrder } from "../fulfil-order.js";
import { getOrder } from "../get-order.js";
import { listOrders } from "../list-orders.js";
import { orderSchema, orderStatuses } from "../order-view.js";
import { createDayQuery, sellerIdQuery, tag } from "./schemas.js";

const listOrdersQuery = z.strictObject({
  status: z.enum(orderStatuses).optional(),
  sellerId: sellerIdQuery,
  from: createDayQuery("Placed on or after this day (UTC)."),
  to: createDayQuery("Placed on or before this day (UTC)."),
  ...syncQuery,
  ...pageQuery,
});

export function orderRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/orders",
      operationId: "listOrders",
      tag,
      summary: "List orders, newest first, with their line items",
      auth: { kind: "key", permission: { section: "orders", access: "read" } },
      querystring: listOrdersQuery,
      status: 200,
      response: createPageSchema(orderSchema),
      handler: async (request) =>
        listOrders(ctx.db, { accountId: request.apiKey.accountId, ...request.query }),
    }),
    defineRoute({
      method: "GET",
      url: "/orders/:id",
      operationId: "getOrder",
      tag,
      summary: "Get an order",
      auth: { kind: "key", permission: { section: "orders", access: "read" } },
      params: idParamsSchema,
      status: 200,
      etag: true,
      response: orderSchema,
      errors: ["not_found"],
      handler: async (request) =>
        getOrder(ctx.db, { accountId: request.apiKey.accountId, orderId: request.params.id }),
    }),
    defineRoute({
      method: "POST",
      url: "/orders/:id/fulfil",
      operationId: "fulfilOrder",
      tag,
      summary: "Mark a paid order fulfilled",
      description:
        "Only an order in status paid can be fulfilled; any other status answers 409 conflict with its `currentStatus`. Send `If-Match` with the order's ETag to fulfil only the version you read, and `Idempotency-Key` to retry safely.",
      auth: { kind: "key", permission: { section: "orders", access: "write" } },
      params: idParamsSchema,
      status: 200,
      etag: true,
      response: orderSchema,
      errors: ["not_found", "conflict", "precondition_failed"],
      handler: async (request) =>
        fulfilOrder(ctx.db, {
          accountId: request.apiKey.accountId,
          orderId: request.params.id,
          ifMatch: request.headers["if-match"],
        }),
    }),
  ];
}
