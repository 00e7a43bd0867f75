import * as z from "zod";

export type Access = "read" | "write";

/** One HTTP route a section's access covers, as an operator's sections file may list them. */
export interface SectionRoute {
  method: string;
  path: string;
  access: Access;
}

export interface SectionDefinition {
  id: string;
  label: string;
  description: string;
  accesses: readonly Access[];
  /** The routes of the operator's API this section covers (documentation; the gateway may use them). */
  routes?: SectionRoute[];
}

/**
 * The demo marketplace's catalogue: the default when no KEYWARD_SECTIONS_FILE is set. Everything that
 * knows about sections — permission validation, the console's permission picker, route declarations,
 * docs — reads `sections`, which is this list or the operator's file (src/sections/).
 */
export const defaultSections: readonly SectionDefinition[] = [
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
];

/** A section as the console and the API documents show it. */
export const sectionSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    description: z.string(),
    accesses: z.array(z.enum(["read", "write"])),
    routes: z
      .array(z.object({ method: z.string(), path: z.string(), access: z.enum(["read", "write"]) }))
      .optional(),
  })
  .meta({ id: "Section" });

/** A section id of the catalogue in use (the demo's five, or the operator's). */
export type SectionId = string;

/** The catalogue in use. Replaced in place by `applySectionCatalogue` at start-up, so every importer sees it. */
export const sections: SectionDefinition[] = [...defaultSections];

export const sectionIds: SectionId[] = sections.map((section) => section.id);

const byId = new Map<string, SectionDefinition>(sections.map((section) => [section.id, section]));

export function findSection(id: string): SectionDefinition | undefined {
  return byId.get(id);
}

/** Puts a catalogue in use (the operator's sections file, or the default); called once at start-up. */
export function applySectionCatalogue(definitions: readonly SectionDefinition[] = defaultSections): void {
  sections.splice(0, sections.length, ...definitions);
  sectionIds.splice(0, sectionIds.length, ...definitions.map((section) => section.id));
  byId.clear();
  for (const section of definitions) byId.set(section.id, section);
}
