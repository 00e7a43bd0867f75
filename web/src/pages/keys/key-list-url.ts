import { useSearchParams } from "react-router";
import type { KeyListQuery, KeyListStatus, KeySort } from "./key-api";

export const listStatuses: { value: KeyListStatus; label: string }[] = [
  { value: "current", label: "Current (not revoked)" },
  { value: "active", label: "Working now" },
  { value: "expiring", label: "Expiring within 7 days" },
  { value: "expired", label: "Expired" },
  { value: "suspended", label: "Suspended" },
  { value: "revoked", label: "Revoked" },
  { value: "all", label: "All keys" },
];

export const listSorts: { value: KeySort; label: string }[] = [
  { value: "-created", label: "Newest first" },
  { value: "created", label: "Oldest first" },
  { value: "name", label: "Name A–Z" },
  { value: "-name", label: "Name Z–A" },
  { value: "-last_used", label: "Recently used" },
  { value: "last_used", label: "Least recently used" },
  { value: "expires", label: "Expiring first" },
  { value: "-expires", label: "Expiring last" },
];

export const pageSizes = [10, 25, 50, 100];

const defaults: KeyListQuery = { status: "current", sort: "-created", q: "", ownerId: "", limit: 25 };

function oneOf<T extends string>(value: string | null, options: { value: T }[], fallback: T): T {
  return options.find((option) => option.value === value)?.value ?? fallback;
}

/**
 * The keys list's view — search, sort, owner, status, page size — kept in the URL, so a reload or a
 * shared link shows the same keys. Values the list doesn't know fall back to the defaults.
 */
export function useKeyListUrl(): [KeyListQuery, (changes: Partial<KeyListQuery>) => void] {
  const [params, setParams] = useSearchParams();
  const size = Number(params.get("size"));
  const filter: KeyListQuery = {
    status: oneOf(params.get("status"), listStatuses, defaults.status),
    sort: oneOf(params.get("sort"), listSorts, defaults.sort),
    q: (params.get("q") ?? "").slice(0, 100),
    ownerId: params.get("owner") ?? "",
    limit: pageSizes.includes(size) ? size : defaults.limit,
  };
  function update(changes: Partial<KeyListQuery>) {
    const next = { ...filter, ...changes };
    const search = new URLSearchParams();
    if (next.q) search.set("q", next.q);
    if (next.status !== defaults.status) search.set("status", next.status);
    if (next.ownerId) search.set("owner", next.ownerId);
    if (next.sort !== defaults.sort) search.set("sort", next.sort);
    if (next.limit !== defaults.limit) search.set("size", String(next.limit));
    setParams(search, { replace: true });
  }
  return [filter, update];
}

export function isDefaultView(filter: KeyListQuery): boolean {
  return filter.status === defaults.status && !filter.q && !filter.ownerId;
}
