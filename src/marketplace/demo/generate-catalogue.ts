import type { ProductsTable, SellersTable } from "../tables.js";
import type { DemoContext } from "./demo-context.js";
import { productAdjectives, productNouns, sellerCountries, sellerNames, slugify } from "./names.js";

const productCount = 60;
const dayMs = 86_400_000;

export interface DemoCatalogue {
  sellers: SellersTable[];
  products: ProductsTable[];
  /** How likely each seller is to receive an order, relative to the others. */
  sellerWeights: number[];
}

/** Twelve sellers and sixty products; every seller gets at least two active products. */
export function generateCatalogue(demo: DemoContext): DemoCatalogue {
  const { random, accountId, now } = demo;
  const sellers = sellerNames.map((name, index): SellersTable => {
    const createdAt = new Date(now.getTime() - (200 - index * 3) * dayMs).toISOString();
    return {
      account_id: accountId,
      id: demo.idOf("sel", index + 1),
      name,
      email: `payouts@${slugify(name)}.example`,
      country: random.pick(sellerCountries),
      status: "active",
      created_at: createdAt,
      updated_at: createdAt,
    };
  });
  const sellerWeights = sellers.map(() => 1 + random.next() * 4);
  const usedTitles = new Set<string>();
  const products: ProductsTable[] = [];
  for (let index = 0; index < productCount; index++) {
    const guaranteed = index < sellers.length * 2;
    const seller = (guaranteed && sellers[index % sellers.length]) || random.pick(sellers);
    const title = pickUniqueTitle(random, usedTitles);
    const createdAt = new Date(now.getTime() - (150 - index) * dayMs).toISOString();
    products.push({
      account_id: accountId,
      id: demo.idOf("prd", index + 1),
      seller_id: seller.id,
      sku: toSku(title, index + 1),
      title,
      price_cents: random.integer(4, 249) * 100 + random.pick([0, 50, 95, 99]),
      stock: random.isChance(0.08) ? 0 : random.integer(3, 400),
      status: !guaranteed && random.isChance(0.12) ? "inactive" : "active",
      created_at: createdAt,
      updated_at: createdAt,
    });
  }
  return { sellers, products, sellerWeights };
}

/** e.g. "WALNUT-0007": the title's first letters and the product's number. */
function toSku(title: string, sequence: number): string {
  const letters = title
    .replace(/[^A-Za-z]/g, "")
    .slice(0, 6)
    .toUpperCase();
  return `${letters}-${String(sequence).padStart(4, "0")}`;
}

function pickUniqueTitle(random: DemoContext["random"], used: Set<string>): string {
  for (;;) {
    const title = `${random.pick(productAdjectives)} ${random.pick(productNouns)}`;
    if (!used.has(title)) {
      used.add(title);
      return title;
    }
  }
}
