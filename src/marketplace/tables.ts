// Marketplace tables. Every row carries `account_id` and every primary key is (account_id, id): ids are
// short per-account sequences (`ord_000042`), so the demo data of two accounts can share ids and every
// lookup is scoped by account by construction. Timestamps are ISO-8601 UTC text; money is integer cents.

export type SellerStatus = "active" | "suspended";
export type ProductStatus = "active" | "inactive";
export type OrderStatus = "paid" | "fulfilled" | "cancelled" | "refunded";
export type PayoutStatus = "pending" | "paid";

export interface SellersTable {
  account_id: string;
  id: string;
  name: string;
  email: string;
  country: string;
  status: SellerStatus;
  created_at: string;
  updated_at: string;
}

export interface ProductsTable {
  account_id: string;
  id: string;
  seller_id: string;
  sku: string;
  title: string;
  price_cents: number;
  stock: number;
  status: ProductStatus;
  created_at: string;
  updated_at: string;
}

export interface OrdersTable {
  account_id: string;
  id: string;
  seller_id: string;
  status: OrderStatus;
  buyer_country: string;
  currency: string;
  /** Sum of the line items' quantities, kept on the order so reports by day or seller need no join. */
  units: number;
  /** Sum of the line items' totals. */
  total_cents: number;
  placed_at: string;
  fulfilled_at: string | null;
  updated_at: string;
}

export interface OrderItemsTable {
  account_id: string;
  order_id: string;
  line_no: number;
  product_id: string;
  /** The product's sku and title when the order was placed. */
  sku: string;
  title: string;
  quantity: number;
  unit_price_cents: number;
  total_cents: number;
}

export interface PayoutsTable {
  account_id: string;
  id: string;
  seller_id: string;
  /** The week paid out: first and last day (YYYY-MM-DD, inclusive, Monday to Sunday UTC). */
  period_start: string;
  period_end: string;
  status: PayoutStatus;
  currency: string;
  order_count: number;
  gross_cents: number;
  fee_cents: number;
  amount_cents: number;
  paid_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MarketplaceEventsTable {
  account_id: string;
  /** The event's place in the account's feed: assigned under the account's lock, so in commit order. */
  seq: number;
  type: string;
  resource_type: string;
  resource_id: string;
  /** JSON: the resource as it was after the change. */
  data: string;
  created_at: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  idempotency_key: string;
  /** SHA-256 of the method, path and body: the same key with another request is refused. */
  fingerprint: string;
  state: "in_progress" | "done";
  status_code: number | null;
  /** JSON of the response headers replayed (content-type, etag, location…). */
  headers: string | null;
  body: string | null;
  created_at: string;
  expires_at: string;
}

export interface MarketplaceTables {
  sellers: SellersTable;
  products: ProductsTable;
  orders: OrdersTable;
  order_items: OrderItemsTable;
  payouts: PayoutsTable;
  marketplace_events: MarketplaceEventsTable;
  idempotency_keys: IdempotencyKeysTable;
}
