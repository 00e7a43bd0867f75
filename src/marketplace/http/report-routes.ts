import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Db } from "../../db/database.js";
import { getSalesReport, maxReportDays, reportGroupings, salesReportSchema } from "../get-sales-report.js";
import { createDayQuery, errorResponses, security, tags } from "./schemas.js";

const salesReportQuery = z.strictObject({
  from: createDayQuery("First day (UTC), inclusive; 29 days before `to` by default."),
  to: createDayQuery("Last day (UTC), inclusive; today by default."),
  groupBy: z.enum(reportGroupings).optional().describe("Rows by day (default), seller or product."),
});

export function registerReportRoutes(app: FastifyInstance, db: Db): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    "/reports/sales",
    {
      config: { permission: { section: "reporting", access: "read" } },
      schema: {
        tags,
        security,
        summary: "Sales report: orders, units and gross sales by day, seller or product",
        description: `Cancelled orders are left out; refunded ones count (gross, before refunds). At most ${maxReportDays} days.`,
        querystring: salesReportQuery,
        response: { 200: salesReportSchema, ...errorResponses },
      },
    },
    async (request) => getSalesReport(db, { accountId: request.apiKey.accountId, ...request.query }),
  );
}
