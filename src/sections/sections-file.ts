import { readFileSync } from "node:fs";
import * as z from "zod";
import type { SectionDefinition } from "../marketplace/sections.js";
import { ConfigFileError, parseYamlWithSchema } from "../shared/yaml-file.js";

// Ids end up in permission objects (`{"orders":"read"}`), CLI lists (`orders:read`) and URLs.
const sectionIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, "must be 1–40 lowercase letters, digits, - or _, starting with a letter");
const accessSchema = z.enum(["read", "write"], { error: "must be read or write" });

const routeSchema = z.strictObject({
  method: z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"], {
    error: "must be an HTTP method in capitals, or *",
  }),
  path: z.string().startsWith("/", "must start with /"),
  access: accessSchema,
});

const sectionFileEntrySchema = z.strictObject({
  id: sectionIdSchema,
  label: z.string().trim().min(1, "is required").max(60),
  description: z.string().trim().max(300).default(""),
  accesses: z
    .array(accessSchema)
    .min(1, "must list read, write or both")
    .refine((list) => new Set(list).size === list.length, "must not repeat an access"),
  routes: z.array(routeSchema).optional(),
});

export const sectionsFileSchema = z.strictObject({
  sections: z.array(sectionFileEntrySchema).min(1, "must list at least one section"),
});

export { ConfigFileError as SectionsFileError };

/** Reads and validates an operator's sections file (JSON or YAML); errors name the file, line and field. */
export function loadSectionsFile(path: string): SectionDefinition[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigFileError(
      `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  return parseSections(text, path);
}

/** Parses the text of a sections file; `source` names it in errors. */
export function parseSections(text: string, source: string): SectionDefinition[] {
  const file = parseYamlWithSchema(text, source, sectionsFileSchema, (value, report) => {
    const seen = new Set<string>();
    value.sections.forEach((section, index) => {
      if (seen.has(section.id)) report(["sections", index, "id"], `"${section.id}" is listed twice`);
      seen.add(section.id);
      section.routes?.forEach((route, routeIndex) => {
        if (section.accesses.includes(route.access)) return;
        report(
          ["sections", index, "routes", routeIndex, "access"],
          `the section allows only ${section.accesses.join(" and ")}`,
        );
      });
    });
  });
  return file.sections.map((section) => ({ ...section }));
}
