import { useEffect } from "react";
import { useLocation, useNavigate } from "react-router";

/** The query the last update asked for, and the address bar's query when it asked. */
let pending: { over: string; asked: string } | null = null;

/**
 * A page's view (search, filters, sort, page) kept in the URL's query, so a refresh, Back or a shared link
 * shows the same view. Values outside `allowed` (a hand-edited link) fall back to the default.
 *
 * An update starts from the newest query — the one the last update asked for while the router is still
 * on its way there, else the address bar's — not from the query of the last render: two changes made
 * before the page re-renders (From, then To, typed quickly) both stay. React Router's own
 * `setSearchParams(fn)` hands `fn` the query of the last render, so the second change undid the first.
 */
export function useUrlState<K extends string>(defaults: Record<K, string>) {
  const { search } = useLocation();
  const params = new URLSearchParams(search);
  const navigate = useNavigate();
  useEffect(() => {
    // The router has moved on from the query the last update started from: that update landed.
    if (pending && pending.over !== search) pending = null;
  }, [search]);
  const values = {} as Record<K, string>;
  for (const name of Object.keys(defaults) as K[]) values[name] = params.get(name) ?? defaults[name];

  /** Changes some values; any change but the page number itself goes back to page 1. */
  function update(changes: { [name in K]?: string | null | undefined }): void {
    const shown = window.location.search;
    const next = new URLSearchParams(pending?.over === shown ? pending.asked : shown);
    for (const [name, value] of Object.entries(changes) as [K, string | null | undefined][]) {
      if (value === undefined) continue;
      if (value === null || value === "" || value === defaults[name]) next.delete(name);
      else next.set(name, value);
    }
    if (!("page" in changes)) next.delete("page");
    pending = { over: shown, asked: next.toString() };
    void navigate({ search: pending.asked }, { replace: true });
  }
  return { values, update };
}

/** `value` if it is one of `allowed`, else `fallback`. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export const pageSizes = ["10", "25", "50", "100"] as const;

/** A positive page number from the URL, or 1. */
export function pageNumber(value: string): number {
  const page = Number.parseInt(value, 10);
  return Number.isFinite(page) && page > 0 ? page : 1;
}
