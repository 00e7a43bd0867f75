// Placeholder replaced by the marketplace module: table types of sellers, products, orders, payouts.
// biome-ignore lint/complexity/noBannedTypes: filled in by the marketplace module
export type MarketplaceTables = {};
