import * as z from "zod";
import { invalidField } from "../errors.js";
import { type Access, findSection, type SectionId, sectionIds, sections } from "../marketplace/sections.js";

/**
 * A key's permissions: every section (including sections added later), or chosen sections each at
 * `read` or `write`. Write implies read.
 */
export type Permissions = { all: true } | { all: false; sections: Record<SectionId, Access> };

const accessSchema = z.enum(["read", "write"], { error: "Access must be read or write." });

/** Permissions as a client sends them; `validatePermissions` then checks them against the catalogue. */
export const permissionsInputSchema = z.discriminatedUnion("all", [
  z.object({ all: z.literal(true) }).strict(),
  z.object({ all: z.literal(false), sections: z.record(z.string().max(40), accessSchema) }).strict(),
]);

/** Permissions as responses show them. */
export const permissionsViewSchema = z
  .union([
    z.object({ all: z.literal(true) }),
    z.object({ all: z.literal(false), sections: z.record(z.string(), accessSchema) }),
  ])
  .describe("All permissions (including sections added later), or sections each at read or write.")
  .meta({ id: "Permissions" });

/** Checks a client-supplied permissions object against the catalogue; names the field that is wrong. */
export function validatePermissions(input: Permissions, field = "permissions"): Permissions {
  if (input.all) return { all: true };
  const entries = Object.entries(input.sections);
  if (entries.length === 0) {
    throw invalidField(field, `choose All permissions or at least one section (${sectionIds.join(", ")}).`);
  }
  const normalized: Record<SectionId, Access> = {};
  for (const id of sectionIds) {
    const access = input.sections[id];
    if (access !== undefined) normalized[id] = access;
  }
  for (const [id, access] of entries) {
    const section = findSection(id);
    const path = `${field}.sections.${id}`;
    if (!section) {
      throw invalidField(path, `unknown section. Known sections: ${sectionIds.join(", ")}.`);
    }
    if (!section.accesses.includes(access)) {
      throw invalidField(
        path,
        `${section.label} allows only ${section.accesses.join(" or ")} access, not ${access}.`,
      );
    }
  }
  return { all: false, sections: normalized };
}

/** What an operation needs: a section at an access, e.g. orders at write (`orders:write`). */
export interface RequiredPermission {
  section: SectionId;
  access: Access;
}

/** True when the permissions allow `access` on `section` (write implies read). */
export function allows(permissions: Permissions, section: SectionId, access: Access): boolean {
  if (permissions.all) return true;
  const granted = permissions.sections[section];
  if (granted === undefined) return false;
  return access === "read" || granted === "write";
}

/** Parses the CLI's compact form: `all`, or `reporting:read,orders:write` (a bare section means read). */
export function parsePermissionList(text: string, field = "permissions"): Permissions {
  const trimmed = text.trim();
  if (trimmed === "all") return { all: true };
  const chosen: Record<SectionId, Access> = {};
  for (const part of trimmed.split(",")) {
    const [id = "", access = "read"] = part.trim().split(":");
    if (access !== "read" && access !== "write") {
      throw invalidField(field, `"${part.trim()}" must be section:read or section:write.`);
    }
    chosen[id as SectionId] = access;
  }
  return validatePermissions({ all: false, sections: chosen }, field);
}

/** "All permissions", or e.g. "Reporting (read), Orders (read & write)": the seed's wording. */
export function describePermissions(permissions: Permissions): string {
  if (permissions.all) return "All permissions";
  const known = sections
    .filter((section) => permissions.sections[section.id] !== undefined)
    .map(
      (section) =>
        `${section.label} (${permissions.sections[section.id] === "write" ? "read & write" : "read"})`,
    );
  // A section removed from the sections file: kept on the key, never granted, and said so.
  const unknown = Object.keys(permissions.sections)
    .filter((id) => findSection(id) === undefined)
    .map((id) => `${id} (unknown section)`);
  return [...known, ...unknown].join(", ");
}

export function serializePermissions(permissions: Permissions): string {
  return JSON.stringify(permissions);
}

export function deserializePermissions(text: string): Permissions {
  return JSON.parse(text) as Permissions;
}

/** For nullable columns (a Manager's ceiling): null stays null. */
export function deserializePermissionsOrNull(text: string | null): Permissions | null {
  return text === null ? null : deserializePermissions(text);
}
