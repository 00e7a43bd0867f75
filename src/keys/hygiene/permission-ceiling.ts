import { AppError } from "../../errors.js";
import { findSection, type SectionId, sectionIds } from "../../marketplace/sections.js";
import type { Permissions } from "../permissions.js";

/**
 * A key's effective permissions: its own, intersected with its owner's ceiling (a Manager's, set by
 * an Administrator; null for All permissions). Write on a section whose ceiling is read becomes read.
 */
export function effectivePermissions(own: Permissions, ceiling: Permissions | null): Permissions {
  if (ceiling === null || ceiling.all) return own;
  const sections: Record<SectionId, "read" | "write"> = {};
  for (const id of sectionIds) {
    const mine = own.all ? "write" : own.sections[id];
    const most = ceiling.sections[id];
    if (mine === undefined || most === undefined) continue;
    const section = findSection(id);
    const access = mine === "write" && most === "write" ? "write" : "read";
    // All permissions on a read-only section is read.
    sections[id] = section?.accesses.includes(access) ? access : "read";
  }
  return { all: false, sections };
}

/** The first permission `wanted` holds beyond `ceiling`, as `section:access`; undefined when within. */
export function permissionBeyond(wanted: Permissions, ceiling: Permissions | null): string | undefined {
  if (ceiling === null || ceiling.all) return undefined;
  if (wanted.all) return "all";
  for (const id of sectionIds) {
    const access = wanted.sections[id];
    if (access === undefined) continue;
    const most = ceiling.sections[id];
    if (most === undefined || (access === "write" && most === "read")) return `${id}:${access}`;
  }
  return undefined;
}

/** Refuses permissions beyond the owner's ceiling, naming the first one. */
export function requireWithinCeiling(
  wanted: Permissions,
  ceiling: Permissions | null,
  isOwnKey = true,
): void {
  const beyond = permissionBeyond(wanted, ceiling);
  if (beyond === undefined) return;
  const what = beyond === "all" ? "All permissions" : `the ${beyond} permission`;
  const advice = isOwnKey
    ? "an Administrator limited what your keys may hold. Choose fewer permissions, or ask an Administrator to raise your limit."
    : "its owner's permission limit doesn't include it. Choose fewer permissions, or raise the owner's limit in Users.";
  throw new AppError("exceeds_permission_ceiling", `This key can't have ${what}: ${advice}`, {
    required: beyond,
  });
}

/** True when two permission sets allow exactly the same. */
export function samePermissions(a: Permissions, b: Permissions): boolean {
  if (a.all || b.all) return a.all === b.all;
  return sectionIds.every((id) => a.sections[id] === b.sections[id]);
}
