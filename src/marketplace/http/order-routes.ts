import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { fulfilOrder } from "../fulfil-order.js";
import { getOrder } from "../get-order.js";
import { listOrders } from "../list-orders.js";
import { orderSchema, orderStatuses } from "../order-view.js";
import { createPageSchema } from "../pagination.js";
import {
  createDayQuery,
  errorResponses,
  idParamsSchema,
  pageQuery,
  security,
  sellerIdQuery,
  tags,
} from "./schemas.js";

const listOrdersQuery = z.strictObject({
  status: z.enum(orderStatuses).optional(),
  sellerId: sellerIdQuery,
  from: createDayQuery("Placed on or after this day (UTC)."),
  to: createDayQuery("Placed on or before this day (UTC)."),
  ...pageQuery,
});

export function registerOrderRoutes(app: FastifyInstance, db: Db): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    "/orders",
    {
      config: { permission: { section: "orders", access: "read" } },
      schema: {
        tags,
        security,
        summary: "List orders, newest first, with their line items",
        querystring: listOrdersQuery,
        response: { 200: createPageSchema(orderSchema), ...errorResponses },
      },
    },
    async (request) => listOrders(db, { accountId: request.apiKey.accountId, ...request.query }),
  );
  api.get(
    "/orders/:id",
    {
      config: { permission: { section: "orders", access: "read" } },
      schema: {
        tags,
        security,
        summary: "Get an order",
        params: idParamsSchema,
        response: { 200: orderSchema, ...errorResponses },
      },
    },
    async (request) => getOrder(db, { accountId: request.apiKey.accountId, orderId: request.params.id }),
  );
  api.post(
    "/orders/:id/fulfil",
    {
      config: { permission: { section: "orders", access: "write" } },
      schema: {
        tags,
        security,
        summary: "Mark a paid order fulfilled",
        description: "Only an order in status paid can be fulfilled; any other status answers 409 conflict.",
        params: idParamsSchema,
        response: { 200: orderSchema, ...errorResponses },
      },
    },
    async (request) => fulfilOrder(db, { accountId: request.apiKey.accountId, orderId: request.params.id }),
  );
}
