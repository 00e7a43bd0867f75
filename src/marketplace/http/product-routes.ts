import * as z from "zod";
import { type AnyRoute, defineRoute } from "../../http/routes/define-route.js";
import type { RouteDeps } from "../../http/routes/route-deps.js";
import { idParamsSchema } from "../../http/routes/shared-schemas.js";
import { createPageSchema, pageQuery } from "../../shared/pagination.js";
import { syncQuery } from "../change-feed.js";
import { getProduct } from "../get-product.js";
import { listProducts } from "../list-products.js";
import { productSchema, productStatuses } from "../product-view.js";
import { productChangesSchema, updateProduct } from "../update-product.js";
import { sellerIdQuery, tag } from "./schemas.js";

const listProductsQuery = z.strictObject({
  sellerId: sellerIdQuery,
  status: z.enum(productStatuses).optional(),
  ...syncQuery,
  ...pageQuery,
});

export function productRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/products",
      operationId: "listProducts",
      tag,
      summary: "List products",
      auth: { kind: "key", permission: { section: "catalog", access: "read" } },
      querystring: listProductsQuery,
      status: 200,
      response: createPageSchema(productSchema),
      handler: async (request) =>
        listProducts(ctx.db, { accountId: request.apiKey.accountId, ...request.query }),
    }),
    defineRoute({
      method: "GET",
      url: "/products/:id",
      operationId: "getProduct",
      tag,
      summary: "Get a product",
      auth: { kind: "key", permission: { section: "catalog", access: "read" } },
      params: idParamsSchema,
      status: 200,
      etag: true,
      response: productSchema,
      errors: ["not_found"],
      handler: async (request) =>
        getProduct(ctx.db, { accountId: request.apiKey.accountId, productId: request.params.id }),
    }),
    defineRoute({
      method: "PATCH",
      url: "/products/:id",
      operationId: "updateProduct",
      tag,
      summary: "Change a product's title, price, stock or status",
      auth: { kind: "key", permission: { section: "catalog", access: "write" } },
      params: idParamsSchema,
      body: productChangesSchema,
      status: 200,
      etag: true,
      response: productSchema,
      errors: ["not_found", "precondition_failed"],
      handler: async (request) =>
        updateProduct(ctx.db, {
          accountId: request.apiKey.accountId,
          productId: request.params.id,
          changes: request.body,
          ifMatch: request.headers["if-match"],
        }),
    }),
  ];
}
