import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { getProduct } from "../get-product.js";
import { listProducts } from "../list-products.js";
import { createPageSchema } from "../pagination.js";
import { productSchema, productStatuses } from "../product-view.js";
import { productChangesSchema, updateProduct } from "../update-product.js";
import { errorResponses, idParamsSchema, pageQuery, security, sellerIdQuery, tags } from "./schemas.js";

const listProductsQuery = z.strictObject({
  sellerId: sellerIdQuery,
  status: z.enum(productStatuses).optional(),
  ...pageQuery,
});

export function registerProductRoutes(app: FastifyInstance, db: Db): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    "/products",
    {
      config: { permission: { section: "catalog", access: "read" } },
      schema: {
        tags,
        security,
        summary: "List products",
        querystring: listProductsQuery,
        response: { 200: createPageSchema(productSchema), ...errorResponses },
      },
    },
    async (request) => listProducts(db, { accountId: request.apiKey.accountId, ...request.query }),
  );
  api.get(
    "/products/:id",
    {
      config: { permission: { section: "catalog", access: "read" } },
      schema: {
        tags,
        security,
        summary: "Get a product",
        params: idParamsSchema,
        response: { 200: productSchema, ...errorResponses },
      },
    },
    async (request) => getProduct(db, { accountId: request.apiKey.accountId, productId: request.params.id }),
  );
  api.patch(
    "/products/:id",
    {
      config: { permission: { section: "catalog", access: "write" } },
      schema: {
        tags,
        security,
        summary: "Change a product's title, price, stock or status",
        params: idParamsSchema,
        body: productChangesSchema,
        response: { 200: productSchema, ...errorResponses },
      },
    },
    async (request) =>
      updateProduct(db, {
        accountId: request.apiKey.accountId,
        productId: request.params.id,
        changes: request.body,
      }),
  );
}
