import { useUrlState } from "../../url-state";
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

/** The keys list's view as it is spelled in the URL's query. */
const urlDefaults = {
  status: defaults.status,
  sort: defaults.sort,
  q: defaults.q,
  owner: defaults.ownerId,
  size: String(defaults.limit),
};

function known<T extends string>(value: string, options: { value: T }[], fallback: T): T {
  return options.find((option) => option.value === value)?.value ?? fallback;
}

/**
 * The keys list's view — search, sort, owner, status, page size — kept in the URL, so a reload or a
 * shared link shows the same keys. Values the list doesn't know fall back to the defaults.
 */
export function useKeyListUrl(): [KeyListQuery, (changes: Partial<KeyListQuery>) => void] {
  const { values, update } = useUrlState(urlDefaults);
  const size = Number(values.size);
  const filter: KeyListQuery = {
    status: known(values.status, listStatuses, defaults.status),
    sort: known(values.sort, listSorts, defaults.sort),
    q: values.q.slice(0, 100),
    ownerId: values.owner,
    limit: pageSizes.includes(size) ? size : defaults.limit,
  };
  function change(changes: Partial<KeyListQuery>) {
    update({
      status: changes.status,
      sort: changes.sort,
      q: changes.q,
      owner: changes.ownerId,
      size: changes.limit === undefined ? undefined : String(changes.limit),
    });
  }
  return [filter, change];
}

export function isDefaultView(filter: KeyListQuery): boolean {
  return filter.status === defaults.status && !filter.q && !filter.ownerId;
}
