import { useSearchParams } from "react-router";

export function useUrlState<K extends string>(defaults: Record<K, string>) {
  const [params, setParams] = useSearchParams();
  const values = {} as Record<K, string>;
  for (const name of Object.keys(defaults) as K[]) values[name] = params.get(name) ?? defaults[name];
  function update(changes: { [name in K]?: string | null | undefined }): void {
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [name, value] of Object.entries(changes) as [K, string | null | undefined][]) {
          if (value === undefined) continue;
          if (value === null || value === "" || value === defaults[name]) next.delete(name);
          else next.set(name, value);
        }
        if (!("page" in changes)) next.delete("page");
        return next;
      },
      { replace: true },
    );
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
