/**
 * The catalogue of marketplace API sections. Everything that knows about sections — permission
 * validation, the console's permission picker, route declarations, docs — reads this one list.
 */
export const sections = [
  {
    id: "reporting",
    label: "Reporting",
    description: "Sales reports: totals by day, seller or product.",
    accesses: ["read"],
  },
  {
    id: "orders",
    label: "Orders",
    description: "Read orders; write lets the key mark orders fulfilled.",
    accesses: ["read", "write"],
  },
  {
    id: "catalog",
    label: "Catalog",
    description: "Read products; write lets the key change price, stock and status.",
    accesses: ["read", "write"],
  },
  {
    id: "sellers",
    label: "Sellers",
    description: "Read sellers; write lets the key update seller details.",
    accesses: ["read", "write"],
  },
  {
    id: "payouts",
    label: "Payouts",
    description: "Read payouts made to sellers.",
    accesses: ["read"],
  },
] as const satisfies readonly SectionDefinition[];

export type Access = "read" | "write";

export interface SectionDefinition {
  id: string;
  label: string;
  description: string;
  accesses: readonly Access[];
}

export type SectionId = (typeof sections)[number]["id"];

export const sectionIds = sections.map((section) => section.id) as SectionId[];

const byId = new Map<string, SectionDefinition>(sections.map((section) => [section.id, section]));

export function findSection(id: string): SectionDefinition | undefined {
  return byId.get(id);
}
