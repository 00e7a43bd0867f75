import type { RequiredPermission } from "../../keys/permissions.js";
import { findSection } from "../../marketplace/sections.js";

/** The sentence each keyed operation's description carries, e.g. "Requires `orders:write` (Orders, read & write)." */
export function describePermission(permission: RequiredPermission): string {
  const label = findSection(permission.section)?.label ?? permission.section;
  const access = permission.access === "write" ? "read & write" : "read";
  return `Requires the API key permission \`${permission.section}:${permission.access}\` (${label}, ${access}), or All permissions.`;
}
