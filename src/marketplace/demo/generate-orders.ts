import type { OrderItemsTable, OrderStatus, OrdersTable, ProductsTable } from "../tables.js";
import type { DemoContext } from "./demo-context.js";
import type { DemoCatalogue } from "./generate-catalogue.js";
import { buyerCountries } from "./names.js";
import type { Random } from "./random.js";

const days = 90;
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

export interface DemoOrders {
  orders: OrdersTable[];
  items: OrderItemsTable[];
}

/** About 20 orders a day for the 90 days ending at `now`, ids in the order they were placed. */
export function generateOrders(demo: DemoContext, catalogue: DemoCatalogue): DemoOrders {
  const { random, accountId, now } = demo;
  const productsBySeller = groupActiveProductsBySeller(catalogue.products);
  const orders: OrdersTable[] = [];
  const items: OrderItemsTable[] = [];
  const today = Math.floor(now.getTime() / dayMs) * dayMs;
  for (let offset = days - 1; offset >= 0; offset--) {
    const dayStart = today - offset * dayMs;
    const dayEnd = Math.min(dayStart + dayMs, now.getTime());
    const count = Math.round(random.integer(15, 25) * ((dayEnd - dayStart) / dayMs));
    const times = Array.from(
      { length: count },
      () => dayStart + Math.floor(random.next() * (dayEnd - dayStart)),
    );
    for (const placedAt of times.sort((a, b) => a - b)) {
      const id = demo.idOf("ord", orders.length + 1);
      const seller = pickWeighted(random, catalogue.sellers, catalogue.sellerWeights);
      const lines = pickLines(random, productsBySeller.get(seller.id) ?? []);
      const orderItems = lines.map((product, index): OrderItemsTable => {
        const quantity = random.isChance(0.75) ? 1 : random.integer(2, 3);
        return {
          account_id: accountId,
          order_id: id,
          line_no: index + 1,
          product_id: product.id,
          sku: product.sku,
          title: product.title,
          quantity,
          unit_price_cents: product.price_cents,
          total_cents: quantity * product.price_cents,
        };
      });
      items.push(...orderItems);
      orders.push({
        account_id: accountId,
        id,
        seller_id: seller.id,
        buyer_country: random.pick(buyerCountries),
        currency: "USD",
        units: orderItems.reduce((sum, item) => sum + item.quantity, 0),
        total_cents: orderItems.reduce((sum, item) => sum + item.total_cents, 0),
        placed_at: new Date(placedAt).toISOString(),
        ...pickLifecycle(random, placedAt, now.getTime()),
      });
    }
  }
  return { orders, items };
}

type Lifecycle = Pick<OrdersTable, "status" | "fulfilled_at" | "updated_at">;

// Old orders are mostly fulfilled; the last few days' orders are mostly still paid, waiting for fulfilment.
function pickLifecycle(random: Random, placedAt: number, now: number): Lifecycle {
  const roll = random.next();
  const fulfilAfter = random.integer(4, 96) * hourMs;
  const changedAt = (delay: number) => new Date(Math.min(placedAt + delay, now)).toISOString();
  if (roll < 0.06) return toLifecycle("cancelled", null, changedAt(random.integer(1, 6) * hourMs));
  if (placedAt + fulfilAfter > now) return toLifecycle("paid", null, new Date(placedAt).toISOString());
  const fulfilledAt = changedAt(fulfilAfter);
  if (roll < 0.1) return toLifecycle("refunded", fulfilledAt, changedAt(fulfilAfter + 5 * dayMs));
  return toLifecycle("fulfilled", fulfilledAt, fulfilledAt);
}

function toLifecycle(status: OrderStatus, fulfilledAt: string | null, updatedAt: string): Lifecycle {
  return { status, fulfilled_at: fulfilledAt, updated_at: updatedAt };
}

function pickLines(random: Random, products: ProductsTable[]): ProductsTable[] {
  const wanted = random.isChance(0.6) ? 1 : random.isChance(0.75) ? 2 : 3;
  const chosen = new Set<ProductsTable>();
  while (chosen.size < Math.min(wanted, products.length)) chosen.add(random.pick(products));
  return [...chosen];
}

function pickWeighted<T>(random: Random, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let roll = random.next() * total;
  for (const [index, weight] of weights.entries()) {
    roll -= weight;
    if (roll < 0) return items[index] ?? random.pick(items);
  }
  return random.pick(items);
}

function groupActiveProductsBySeller(products: ProductsTable[]): Map<string, ProductsTable[]> {
  const bySeller = new Map<string, ProductsTable[]>();
  for (const product of products) {
    if (product.status !== "active") continue;
    bySeller.set(product.seller_id, [...(bySeller.get(product.seller_id) ?? []), product]);
  }
  return bySeller;
}
