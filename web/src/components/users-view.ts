import type { AdminUser } from "../admin-api";
import { oneOf, pageNumber, pageSizes } from "../url-state";

/** The Users page's view as the URL holds it: `?q=&role=&access=&status=&sort=&size=&page=`. */
export const usersViewDefaults = {
  q: "",
  role: "all",
  access: "all",
  status: "active",
  sort: "name",
  size: "25",
  page: "1",
};
export type UsersViewParams = typeof usersViewDefaults;

export const roleFilters = ["all", "administrator", "marketplace_manager"] as const;
export const accessFilters = ["all", "granted", "none", "limited"] as const;
export const statusFilters = ["all", "active", "deactivated"] as const;
export const userSorts = ["name", "email", "newest", "oldest", "keys"] as const;

export interface UsersView {
  shown: AdminUser[];
  matching: number;
  page: number;
  pageCount: number;
}

/** Filters, sorts and pages the account's users (the server returns them all: accounts are small). */
export function viewUsers(users: AdminUser[], params: UsersViewParams): UsersView {
  const text = params.q.trim().toLowerCase();
  const role = oneOf(params.role, roleFilters, "all");
  const access = oneOf(params.access, accessFilters, "all");
  const status = oneOf(params.status, statusFilters, "active");
  const sort = oneOf(params.sort, userSorts, "name");
  const size = Number(oneOf(params.size, pageSizes, "25"));
  const matching = users.filter(
    (user) =>
      (text === "" || user.name.toLowerCase().includes(text) || user.email.toLowerCase().includes(text)) &&
      (role === "all" || user.role === role) &&
      (status === "all" || (status === "active") === user.isActive) &&
      (access === "all" ||
        (access === "granted" && user.hasApiAccess) ||
        (access === "none" && !user.hasApiAccess) ||
        (access === "limited" && user.permissionCeiling !== null && !user.permissionCeiling.all)),
  );
  const compare: Record<typeof sort, (a: AdminUser, b: AdminUser) => number> = {
    name: (a, b) => a.name.localeCompare(b.name),
    email: (a, b) => a.email.localeCompare(b.email),
    newest: (a, b) => b.createdAt.localeCompare(a.createdAt),
    oldest: (a, b) => a.createdAt.localeCompare(b.createdAt),
    keys: (a, b) => b.activeKeyCount + b.suspendedKeyCount - (a.activeKeyCount + a.suspendedKeyCount),
  };
  const sorted = [...matching].sort((a, b) => compare[sort](a, b) || a.id.localeCompare(b.id));
  const pageCount = Math.max(1, Math.ceil(sorted.length / size));
  const page = Math.min(pageNumber(params.page), pageCount);
  return { shown: sorted.slice((page - 1) * size, page * size), matching: sorted.length, page, pageCount };
}
