import { z } from "zod";
import type { Db } from "../db/database.js";
import { invalidRequest } from "../errors.js";
import { addDays, countDays, parseDay, startOf, toDay } from "./dates.js";
import {
  type SalesRow,
  type SalesWindow,
  sumSales,
  sumSalesByDay,
  sumSalesByProduct,
  sumSalesBySeller,
} from "./sales-report-queries.js";

export const reportGroupings = ["day", "seller", "product"] as const;
export type ReportGroupBy = (typeof reportGroupings)[number];
export const defaultReportDays = 30;
export const maxReportDays = 366;

const figures = {
  orders: z.int().nonnegative(),
  units: z.int().nonnegative(),
  grossCents: z.int().nonnegative(),
};
export const salesReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(reportGroupings),
  currency: z.literal("USD"),
  totals: z.object(figures),
  rows: z.array(z.object({ key: z.string(), label: z.string(), ...figures })),
});
export type SalesReport = z.infer<typeof salesReportSchema>;

export interface GetSalesReportOptions {
  accountId: string;
  /** First day, YYYY-MM-DD (UTC), inclusive; defaults to 29 days before `to`. */
  from?: string;
  /** Last day, YYYY-MM-DD (UTC), inclusive; defaults to today. */
  to?: string;
  groupBy?: ReportGroupBy;
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
    throw invalidRequest("groupBy", `must be one of ${reportGroupings.join(", ")}.`);
  }
  const { from, to } = resolveRange(options);
  const window: SalesWindow = {
    accountId: options.accountId,
    start: startOf(from),
    end: startOf(addDays(to, 1)),
  };
  const totals = await sumSales(db, window);
  const rows =
    groupBy === "day"
      ? fillDays(from, to, await sumSalesByDay(db, window))
      : sortByGross(
          groupBy === "seller" ? await sumSalesBySeller(db, window) : await sumSalesByProduct(db, window),
        );
  return { from, to, groupBy, currency: "USD", totals, rows };
}

function resolveRange(options: GetSalesReportOptions): { from: string; to: string } {
  const to = options.to === undefined ? toDay(options.now ?? new Date()) : parseDay("to", options.to);
  const from =
    options.from === undefined ? addDays(to, 1 - defaultReportDays) : parseDay("from", options.from);
  // Name the field the caller sent: a defaulted one is not something they can change.
  const field = options.to === undefined ? "from" : "to";
  if (to < from) {
    throw invalidRequest(
      field,
      `the range ends (${to}) before it starts (${from}); to must be on or after from.`,
    );
  }
  const days = countDays(from, to);
  if (days > maxReportDays) {
    throw invalidRequest(
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

function sortByGross(rows: SalesRow[]): SalesRow[] {
  return rows.sort((a, b) => b.grossCents - a.grossCents || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
