import type { FastifyInstance } from "fastify";
import type { Database } from "../db/database.js";
import { registerOrderRoutes } from "./http/order-routes.js";
import { registerPayoutRoutes } from "./http/payout-routes.js";
import { registerProductRoutes } from "./http/product-routes.js";
import { registerReportRoutes } from "./http/report-routes.js";
import { registerSellerRoutes } from "./http/seller-routes.js";

export interface MarketplaceRoutesOptions {
  database: Database;
}

/**
 * The marketplace API. Registered under /api/v1 in a scope whose hook has already verified the key and
 * checked each route's `config.permission`, so handlers only read `request.apiKey.accountId`.
 */
export async function marketplaceRoutes(
  app: FastifyInstance,
  options: MarketplaceRoutesOptions,
): Promise<void> {
  const { db } = options.database;
  registerReportRoutes(app, db);
  registerOrderRoutes(app, db);
  registerProductRoutes(app, db);
  registerSellerRoutes(app, db);
  registerPayoutRoutes(app, db);
}
