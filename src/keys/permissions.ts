import { AppError } from "../errors.js";
import { type Access, findSection, type SectionId, sectionIds, sections } from "../marketplace/sections.js";

/**
 * A key's permissions: every section (including sections added later), or chosen sections each at
 * `read` or `write`. Write implies read.
 */
export type Permissions = { all: true } | { all: false; sections: Partial<Record<SectionId, Access>> };

/** Checks a client-supplied permissions object against the catalogue; names the field that is wrong. */
export function validatePermissions(input: Permissions, field = "permissions"): Permissions {
  if (input.all) return { all: true };
  const entries = Object.entries(input.sections);
  if (entries.length === 0) {
    throw new AppError(
      "invalid_request",
      `${field}: choose All permissions or at least one section (${sectionIds.join(", ")}).`,
      { fields: [field] },
    );
  }
  const normalized: Partial<Record<SectionId, Access>> = {};
  for (const id of sectionIds) {
    const access = input.sections[id];
    if (access !== undefined) normalized[id] = access;
  }
  for (const [id, access] of entries) {
    const section = findSection(id);
    const path = `${field}.sections.${id}`;
    if (!section) {
      throw new AppError(
        "invalid_request",
        `${path}: unknown section. Known sections: ${sectionIds.join(", ")}.`,
        {
          fields: [path],
        },
      );
    }
    if (!section.accesses.includes(access)) {
      throw new AppError(
        "invalid_request",
        `${path}: ${section.label} allows only ${section.accesses.join(" or ")} access, not ${access}.`,
        { fields: [path] },
      );
    }
  }
  return { all: false, sections: normalized };
}

/** True when the permissions allow `access` on `section` (write implies read). */
export function allows(permissions: Permissions, section: SectionId, access: Access): boolean {
  if (permissions.all) return true;
  const granted = permissions.sections[section];
  if (granted === undefined) return false;
  return access === "read" || granted === "write";
}

/** Parses the CLI's compact form: `all`, or `reporting:read,orders:write` (a bare section means read). */
export function parsePermissionList(text: string): Permissions {
  const trimmed = text.trim();
  if (trimmed === "all") return { all: true };
  const chosen: Partial<Record<SectionId, Access>> = {};
  for (const part of trimmed.split(",")) {
    const [id = "", access = "read"] = part.trim().split(":");
    if (access !== "read" && access !== "write") {
      throw new AppError(
        "invalid_request",
        `permissions: "${part.trim()}" must be section:read or section:write.`,
        {
          fields: ["permissions"],
        },
      );
    }
    chosen[id as SectionId] = access;
  }
  return validatePermissions({ all: false, sections: chosen });
}

/** "All permissions", or e.g. "Reporting (read), Orders (read & write)": the seed's wording. */
export function describePermissions(permissions: Permissions): string {
  if (permissions.all) return "All permissions";
  return sections
    .filter((section) => permissions.sections[section.id] !== undefined)
    .map(
      (section) =>
        `${section.label} (${permissions.sections[section.id] === "write" ? "read & write" : "read"})`,
    )
    .join(", ");
}

export function serializePermissions(permissions: Permissions): string {
  return JSON.stringify(permissions);
}

export function deserializePermissions(text: string): Permissions {
  return JSON.parse(text) as Permissions;
}
