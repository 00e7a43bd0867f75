import * as z from "zod";
import { type AnyRoute, defineRoute } from "../../http/routes/define-route.js";
import type { RouteDeps } from "../../http/routes/route-deps.js";
import { getSalesReport, maxReportDays, reportGroupings, salesReportSchema } from "../get-sales-report.js";
import { createDayQuery, sellerIdQuery, tag } from "./schemas.js";

const salesReportQuery = z.strictObject({
  from: createDayQuery("First day (UTC), inclusive; 29 days before `to` by default."),
  to: createDayQuery("Last day (UTC), inclusive; today by default."),
  groupBy: z
    .enum(reportGroupings)
    .default("day")
    .describe("Rows by day, seller or product, or by day and seller/product (`day,seller`, `day,product`)."),
  sellerId: sellerIdQuery,
});

export function reportRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/reports/sales",
      operationId: "getSalesReport",
      tag,
      summary: "Sales report: orders, units and gross sales by day, seller, product, or day and one of them",
      description: `Cancelled orders are left out; refunded ones count (gross, before refunds). At most ${maxReportDays} days.`,
      auth: { kind: "key", permission: { section: "reporting", access: "read" } },
      querystring: salesReportQuery,
      status: 200,
      response: salesReportSchema,
      handler: async (request) =>
        getSalesReport(ctx.db, { accountId: request.apiKey.accountId, ...request.query }),
    }),
  ];
}
