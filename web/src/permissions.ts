import type { Access, Permissions, Section } from "./api";

export type SectionChoice = "none" | Access;
export type PermissionMode = "all" | "specific";

export interface PermissionDraft {
  mode: PermissionMode;
  sections: Record<string, SectionChoice>;
}

export function draftFromPermissions(permissions: Permissions | undefined): PermissionDraft {
  if (!permissions) return { mode: "specific", sections: {} };
  if (permissions.all) return { mode: "all", sections: {} };
  const sections: Record<string, SectionChoice> = {};
  for (const [id, access] of Object.entries(permissions.sections)) {
    if (access) sections[id] = access;
  }
  return { mode: "specific", sections };
}

export function permissionsFromDraft(draft: PermissionDraft): Permissions {
  if (draft.mode === "all") return { all: true };
  const sections: Record<string, Access> = {};
  for (const [id, choice] of Object.entries(draft.sections)) {
    if (choice !== "none") sections[id] = choice;
  }
  return { all: false, sections };
}

export function hasAnySection(draft: PermissionDraft): boolean {
  return Object.values(draft.sections).some((choice) => choice !== "none");
}

/** Same wording as the server's `permissionsSummary`, for permissions that only arrive as objects. */
export function describePermissions(permissions: Permissions, sections: Section[]): string {
  if (permissions.all) return "All permissions";
  const parts = sections
    .filter((section) => permissions.sections[section.id] !== undefined)
    .map(
      (section) =>
        `${section.label} (${permissions.sections[section.id] === "write" ? "read & write" : "read"})`,
    );
  return parts.length > 0 ? parts.join(", ") : "No permissions";
}

export function isPermissions(value: unknown): value is Permissions {
  if (typeof value !== "object" || value === null || !("all" in value)) return false;
  return value.all === true || ("sections" in value && typeof value.sections === "object");
}
