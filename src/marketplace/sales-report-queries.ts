import { type ExpressionBuilder, sql } from "kysely";
import type { Db } from "../db/database.js";
import type { OrdersTable } from "./tables.js";

/** Which orders a sales report counts: the account's, placed in [start, end), not cancelled. */
export interface SalesWindow {
  accountId: string;
  start: string;
  end: string;
  /** Only this seller's orders. */
  sellerId?: string | undefined;
}

export interface SalesFigures {
  orders: number;
  units: number;
  grossCents: number;
}

export interface SalesRow extends SalesFigures {
  key: string;
  label: string;
  /** Set when rows are also split by day. */
  day?: string;
}

interface AggregateRow {
  key?: string;
  label?: string;
  day?: string;
  orders: number;
  units: number | null;
  gross: number | null;
}

// Refunded orders stay in: the report shows gross sales, before refunds.
function isSoldIn(window: SalesWindow) {
  return (eb: ExpressionBuilder<{ o: OrdersTable }, "o">) =>
    eb.and([
      eb("o.account_id", "=", window.accountId),
      eb("o.placed_at", ">=", window.start),
      eb("o.placed_at", "<", window.end),
      eb("o.status", "<>", "cancelled"),
      ...(window.sellerId === undefined ? [] : [eb("o.seller_id", "=", window.sellerId)]),
    ]);
}

// Counts and sums are numbers on both backends (src/db/postgres.ts parses PostgreSQL's int8/numeric).
function toFigures(row: AggregateRow | undefined): SalesFigures {
  return { orders: row?.orders ?? 0, units: row?.units ?? 0, grossCents: row?.gross ?? 0 };
}

function toRow(row: AggregateRow): SalesRow {
  const base = { key: row.key ?? "", label: row.label ?? row.key ?? "", ...toFigures(row) };
  return row.day === undefined ? base : { ...base, key: `${row.day}/${base.key}`, day: row.day };
}

export async function sumSales(db: Db, window: SalesWindow): Promise<SalesFigures> {
  const row = await db
    .selectFrom("orders as o")
    .select((eb) => [
      eb.fn.countAll<number>().as("orders"),
      eb.fn.sum<number | null>("o.units").as("units"),
      eb.fn.sum<number | null>("o.total_cents").as("gross"),
    ])
    .where(isSoldIn(window))
    .executeTakeFirst();
  return toFigures(row);
}

// The day is the first 10 characters of the ISO timestamp: substr() behaves the same in both dialects.
// The expression is written literally (not as parameters) so PostgreSQL sees SELECT and GROUP BY match.
const placedDay = sql<string>`substr(o.placed_at, 1, 10)`;

export async function sumSalesByDay(db: Db, window: SalesWindow): Promise<SalesRow[]> {
  const rows = await db
    .selectFrom("orders as o")
    .select((eb) => [
      placedDay.as("key"),
      eb.fn.countAll<number>().as("orders"),
      eb.fn.sum<number | null>("o.units").as("units"),
      eb.fn.sum<number | null>("o.total_cents").as("gross"),
    ])
    .where(isSoldIn(window))
    .groupBy(placedDay)
    .execute();
  return rows.map(toRow);
}

/** By seller; with `perDay`, by day and seller (only the pairs that sold). */
export async function sumSalesBySeller(db: Db, window: SalesWindow, perDay = false): Promise<SalesRow[]> {
  const query = db
    .selectFrom("orders as o")
    .innerJoin("sellers as s", (join) =>
      join.onRef("s.account_id", "=", "o.account_id").onRef("s.id", "=", "o.seller_id"),
    )
    .select((eb) => [
      "o.seller_id as key",
      "s.name as label",
      eb.fn.countAll<number>().as("orders"),
      eb.fn.sum<number | null>("o.units").as("units"),
      eb.fn.sum<number | null>("o.total_cents").as("gross"),
    ])
    .where(isSoldIn(window))
    .groupBy(["o.seller_id", "s.name"]);
  const rows = perDay
    ? await query.select(placedDay.as("day")).groupBy(placedDay).execute()
    : await query.execute();
  return rows.map(toRow);
}

/** By product; with `perDay`, by day and product (only the pairs that sold). */
export async function sumSalesByProduct(db: Db, window: SalesWindow, perDay = false): Promise<SalesRow[]> {
  const query = db
    .selectFrom("order_items as i")
    .innerJoin("orders as o", (join) =>
      join.onRef("o.account_id", "=", "i.account_id").onRef("o.id", "=", "i.order_id"),
    )
    .innerJoin("products as p", (join) =>
      join.onRef("p.account_id", "=", "i.account_id").onRef("p.id", "=", "i.product_id"),
    )
    .select((eb) => [
      "i.product_id as key",
      "p.title as label",
      eb.fn.count<number>("i.order_id").distinct().as("orders"),
      eb.fn.sum<number | null>("i.quantity").as("units"),
      eb.fn.sum<number | null>("i.total_cents").as("gross"),
    ])
    .where(isSoldIn(window))
    .groupBy(["i.product_id", "p.title"]);
  const rows = perDay
    ? await query.select(placedDay.as("day")).groupBy(placedDay).execute()
    : await query.execute();
  return rows.map(toRow);
}
