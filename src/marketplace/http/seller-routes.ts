import * as z from "zod";
import { type AnyRoute, defineRoute } from "../../http/routes/define-route.js";
import type { RouteDeps } from "../../http/routes/route-deps.js";
import { idParamsSchema } from "../../http/routes/shared-schemas.js";
import { createPageSchema, pageQuery } from "../../shared/pagination.js";
import { syncQuery } from "../change-feed.js";
import { getSeller } from "../get-seller.js";
import { listSellers } from "../list-sellers.js";
import { sellerSchema, sellerStatuses } from "../seller-view.js";
import { sellerChangesSchema, updateSeller } from "../update-seller.js";
import { tag } from "./schemas.js";

const listSellersQuery = z.strictObject({
  status: z.enum(sellerStatuses).optional(),
  ...syncQuery,
  ...pageQuery,
});

export function sellerRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/sellers",
      operationId: "listSellers",
      tag,
      summary: "List sellers",
      auth: { kind: "key", permission: { section: "sellers", access: "read" } },
      querystring: listSellersQuery,
      status: 200,
      response: createPageSchema(sellerSchema),
      handler: async (request) =>
        listSellers(ctx.db, { accountId: request.apiKey.accountId, ...request.query }),
    }),
    defineRoute({
      method: "GET",
      url: "/sellers/:id",
      operationId: "getSeller",
      tag,
      summary: "Get a seller",
      auth: { kind: "key", permission: { section: "sellers", access: "read" } },
      params: idParamsSchema,
      status: 200,
      etag: true,
      response: sellerSchema,
      errors: ["not_found"],
      handler: async (request) =>
        getSeller(ctx.db, { accountId: request.apiKey.accountId, sellerId: request.params.id }),
    }),
    defineRoute({
      method: "PATCH",
      url: "/sellers/:id",
      operationId: "updateSeller",
      tag,
      summary: "Rename a seller or change its status",
      auth: { kind: "key", permission: { section: "sellers", access: "write" } },
      params: idParamsSchema,
      body: sellerChangesSchema,
      status: 200,
      etag: true,
      response: sellerSchema,
      errors: ["not_found", "precondition_failed"],
      handler: async (request) =>
        updateSeller(ctx.db, {
          accountId: request.apiKey.accountId,
          sellerId: request.params.id,
          changes: request.body,
          ifMatch: request.headers["if-match"],
        }),
    }),
  ];
}
