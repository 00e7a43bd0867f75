import * as z from "zod";
import type { Db } from "../db/database.js";
import { invalidField } from "../errors.js";
import { addDays, countDays, parseDay, startOf, toDay } from "./dates.js";
import {
  type SalesRow,
  type SalesWindow,
  sumSales,
  sumSalesByDay,
  sumSalesByProduct,
  sumSalesBySeller,
} from "./sales-report-queries.js";

export const reportGroupings = ["day", "seller", "product", "day,seller", "day,product"] as const;
export type ReportGroupBy = (typeof reportGroupings)[number];
export const defaultReportDays = 30;
export const maxReportDays = 366;

const figures = {
  orders: z.int().nonnegative(),
  units: z.int().nonnegative(),
  grossCents: z.int().nonnegative(),
};
export const salesReportSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    groupBy: z.enum(reportGroupings),
    currency: z.literal("USD"),
    totals: z.object(figures),
    rows: z.array(
      z.object({
        key: z.string().describe('The seller or product id, the day, or "day/id" for two dimensions.'),
        label: z.string(),
        day: z
          .string()
          .optional()
          .describe("The day (YYYY-MM-DD, UTC) of a row grouped by day and seller or product."),
        ...figures,
      }),
    ),
  })
  .meta({ id: "SalesReport" });
export type SalesReport = z.infer<typeof salesReportSchema>;

export interface GetSalesReportOptions {
  accountId: string;
  /** First day, YYYY-MM-DD (UTC), inclusive; defaults to 29 days before `to`. */
  from?: string;
  /** Last day, YYYY-MM-DD (UTC), inclusive; defaults to today. */
  to?: string;
  groupBy?: ReportGroupBy;
  /** Only this seller's orders. */
  sellerId?: string | undefined;
  now?: Date;
}

/**
 * Gross sales (orders, units, cents) of non-cancelled orders placed from `from` to `to`, in rows by day
 * (every day of the range, oldest first), by seller or by product (best-selling first). For products,
 * `totals.orders` counts distinct orders, so it can be less than the rows' sum.
 */
export async function getSalesReport(db: Db, options: GetSalesReportOptions): Promise<SalesReport> {
  const groupBy = options.groupBy ?? "day";
  if (!reportGroupings.includes(groupBy)) {
    throw invalidField("groupBy", `must be one of ${reportGroupings.join(", ")}.`);
  }
  const { from, to } = resolveRange(options);
  const window: SalesWindow = {
    accountId: options.accountId,
    start: startOf(from),
    end: startOf(addDays(to, 1)),
    sellerId: options.sellerId,
  };
  const totals = await sumSales(db, window);
  return {
    from,
    to,
    groupBy,
    currency: "USD",
    totals,
    rows: await rowsOf(db, window, groupBy, from, to),
  };
}

async function rowsOf(db: Db, window: SalesWindow, groupBy: ReportGroupBy, from: string, to: string) {
  switch (groupBy) {
    case "day":
      return fillDays(from, to, await sumSalesByDay(db, window));
    case "seller":
      return sortByGross(await sumSalesBySeller(db, window));
    case "product":
      return sortByGross(await sumSalesByProduct(db, window));
    case "day,seller":
      return sortByDayThenGross(await sumSalesBySeller(db, window, true));
    case "day,product":
      return sortByDayThenGross(await sumSalesByProduct(db, window, true));
  }
}

function resolveRange(options: GetSalesReportOptions): { from: string; to: string } {
  const to = options.to === undefined ? toDay(options.now ?? new Date()) : parseDay("to", options.to);
  const from =
    options.from === undefined ? addDays(to, 1 - defaultReportDays) : parseDay("from", options.from);
  // Name the field the caller sent: a defaulted one is not something they can change.
  const field = options.to === undefined ? "from" : "to";
  if (to < from) {
    throw invalidField(
      field,
      `the range ends (${to}) before it starts (${from}); to must be on or after from.`,
    );
  }
  const days = countDays(from, to);
  if (days > maxReportDays) {
    throw invalidField(
      field,
      `the range ${from} to ${to} covers ${days} days; a report covers at most ${maxReportDays}.`,
    );
  }
  return { from, to };
}

function fillDays(from: string, to: string, rows: SalesRow[]): SalesRow[] {
  const byDay = new Map(rows.map((row) => [row.key, row]));
  const days: SalesRow[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) {
    days.push(byDay.get(day) ?? { key: day, label: day, orders: 0, units: 0, grossCents: 0 });
  }
  return days;
}

function sortByDayThenGross(rows: SalesRow[]): SalesRow[] {
  return sortByGross(rows).sort((a, b) =>
    (a.day ?? "") < (b.day ?? "") ? -1 : (a.day ?? "") > (b.day ?? "") ? 1 : 0,
  );
}

function sortByGross(rows: SalesRow[]): SalesRow[] {
  return rows.sort((a, b) => b.grossCents - a.grossCents || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
