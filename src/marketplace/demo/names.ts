// Word lists for the demo marketplace. Changing them changes every account's demo data.

export const sellerNames = [
  "Northwind Goods",
  "Cedar & Pine Co.",
  "Harbor Lights Studio",
  "Blue Mesa Outfitters",
  "Maple Row Makers",
  "Copperleaf Home",
  "Saltwater Supply",
  "Juniper Lane",
  "Ironwood Workshop",
  "Little Fox Prints",
  "Summit Trail Gear",
  "Golden Hour Ceramics",
] as const;

export const sellerCountries = ["US", "US", "US", "CA", "GB", "DE", "NL", "AU"] as const;

export const buyerCountries = [
  "US",
  "US",
  "US",
  "US",
  "CA",
  "GB",
  "GB",
  "DE",
  "FR",
  "AU",
  "NL",
  "JP",
] as const;

export const productAdjectives = [
  "Walnut",
  "Linen",
  "Copper",
  "Stoneware",
  "Merino",
  "Canvas",
  "Oak",
  "Recycled",
  "Hand-thrown",
  "Waxed",
  "Brass",
  "Organic",
] as const;

export const productNouns = [
  "Desk Lamp",
  "Tote Bag",
  "Coffee Mug",
  "Throw Blanket",
  "Notebook",
  "Serving Board",
  "Candle",
  "Backpack",
  "Planter",
  "Wall Print",
  "Water Bottle",
  "Apron",
  "Beanie",
  "Tea Set",
] as const;

/** Lowercase letters and digits of a seller name, for a demo email address. */
export function slugify(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "");
}
