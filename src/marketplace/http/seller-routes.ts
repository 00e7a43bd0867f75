import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { getSeller } from "../get-seller.js";
import { listSellers } from "../list-sellers.js";
import { createPageSchema } from "../pagination.js";
import { sellerSchema, sellerStatuses } from "../seller-view.js";
import { sellerChangesSchema, updateSeller } from "../update-seller.js";
import { errorResponses, idParamsSchema, pageQuery, security, tags } from "./schemas.js";

const listSellersQuery = z.strictObject({ status: z.enum(sellerStatuses).optional(), ...pageQuery });

export function registerSellerRoutes(app: FastifyInstance, db: Db): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
    "/sellers",
    {
      config: { permission: { section: "sellers", access: "read" } },
      schema: {
        tags,
        security,
        summary: "List sellers",
        querystring: listSellersQuery,
        response: { 200: createPageSchema(sellerSchema), ...errorResponses },
      },
    },
    async (request) => listSellers(db, { accountId: request.apiKey.accountId, ...request.query }),
  );
  api.get(
    "/sellers/:id",
    {
      config: { permission: { section: "sellers", access: "read" } },
      schema: {
        tags,
        security,
        summary: "Get a seller",
        params: idParamsSchema,
        response: { 200: sellerSchema, ...errorResponses },
      },
    },
    async (request) => getSeller(db, { accountId: request.apiKey.accountId, sellerId: request.params.id }),
  );
  api.patch(
    "/sellers/:id",
    {
      config: { permission: { section: "sellers", access: "write" } },
      schema: {
        tags,
        security,
        summary: "Rename a seller or change its status",
        params: idParamsSchema,
        body: sellerChangesSchema,
        response: { 200: sellerSchema, ...errorResponses },
      },
    },
    async (request) =>
      updateSeller(db, {
        accountId: request.apiKey.accountId,
        sellerId: request.params.id,
        changes: request.body,
      }),
  );
}
