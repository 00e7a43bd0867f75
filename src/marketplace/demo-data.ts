import type { Db } from "../db/database.js";
import { createDemoIds } from "./demo/demo-ids.js";
import { generateCatalogue } from "./demo/generate-catalogue.js";
import { generateOrders } from "./demo/generate-orders.js";
import { generatePayouts } from "./demo/generate-payouts.js";
import { createRandom } from "./demo/random.js";
import type { OrderItemsTable, OrdersTable, PayoutsTable, ProductsTable, SellersTable } from "./tables.js";

export interface SeedDemoMarketplaceOptions {
  accountId: string;
  seed: number;
  /** The demo's orders end here; tests pass a fixed date so the data is reproducible. */
  now: Date;
}

export interface DemoMarketplace {
  sellers: SellersTable[];
  products: ProductsTable[];
  orders: OrdersTable[];
  orderItems: OrderItemsTable[];
  payouts: PayoutsTable[];
}

// Rows per INSERT: the widest table has 13 columns, well under SQLite's and PostgreSQL's parameter limits.
const batchSize = 500;

/** Builds an account's demo marketplace in memory: the same seed and `now` give identical rows. */
export function generateDemoMarketplace(options: SeedDemoMarketplaceOptions): DemoMarketplace {
  const demo = {
    random: createRandom(options.seed),
    accountId: options.accountId,
    now: options.now,
    idOf: createDemoIds(options.accountId),
  };
  const catalogue = generateCatalogue(demo);
  const { orders, items } = generateOrders(demo, catalogue);
  const payouts = generatePayouts(demo, catalogue.sellers, orders);
  return { sellers: catalogue.sellers, products: catalogue.products, orders, orderItems: items, payouts };
}

/**
 * Inserts an account's demo marketplace (12 sellers, 60 products, ~90 days of orders, weekly payouts)
 * in one transaction, or inside the caller's transaction when `db` already is one. Runs once per account:
 * seeding the same account twice fails on the primary keys.
 */
export async function seedDemoMarketplace(db: Db, options: SeedDemoMarketplaceOptions): Promise<void> {
  const demo = generateDemoMarketplace(options);
  if (db.isTransaction) return insertDemo(db, demo);
  await db.transaction().execute((trx) => insertDemo(trx, demo));
}

async function insertDemo(db: Db, demo: DemoMarketplace): Promise<void> {
  for (const rows of splitIntoBatches(demo.sellers)) await db.insertInto("sellers").values(rows).execute();
  for (const rows of splitIntoBatches(demo.products)) await db.insertInto("products").values(rows).execute();
  for (const rows of splitIntoBatches(demo.orders)) await db.insertInto("orders").values(rows).execute();
  for (const rows of splitIntoBatches(demo.orderItems))
    await db.insertInto("order_items").values(rows).execute();
  for (const rows of splitIntoBatches(demo.payouts)) await db.insertInto("payouts").values(rows).execute();
}

function* splitIntoBatches<T>(rows: T[]): Generator<T[]> {
  for (let start = 0; start < rows.length; start += batchSize) yield rows.slice(start, start + batchSize);
}
