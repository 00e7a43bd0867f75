import type { AnyRoute } from "../../http/routes/define-route.js";
import type { RouteDeps } from "../../http/routes/route-deps.js";
import { eventRoutes } from "./event-routes.js";
import { keyInfoRoutes } from "./key-info-routes.js";
import { orderRoutes } from "./order-routes.js";
import { payoutRoutes } from "./payout-routes.js";
import { productRoutes } from "./product-routes.js";
import { reportRoutes } from "./report-routes.js";
import { sellerRoutes } from "./seller-routes.js";

/** The marketplace API, under /api/v1: every route is called with an API key. */
export function marketplaceRoutes(deps: RouteDeps): AnyRoute[] {
  return [
    ...keyInfoRoutes(),
    ...reportRoutes(deps),
    ...orderRoutes(deps),
    ...productRoutes(deps),
    ...sellerRoutes(deps),
    ...payoutRoutes(deps),
    ...eventRoutes(deps),
  ];
}
