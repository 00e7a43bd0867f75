import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { api, type KeyStatusFilter } from "./api";

/** The permission sections (GET /sections); they change only with a server release. */
export function useSections() {
  return useQuery({
    queryKey: ["sections"],
    queryFn: api.listSections,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
}

/** API keys by status, a page at a time ("Load more" fetches the next page). Never holds a secret. */
export function useKeys(status: KeyStatusFilter, options: { enabled?: boolean } = {}) {
  return useInfiniteQuery({
    enabled: options.enabled ?? true,
    queryKey: ["keys", status],
    queryFn: ({ pageParam }) => api.listKeys(status, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

/** The account's users (Administrators only). */
export function useUsers() {
  return useQuery({ queryKey: ["users"], queryFn: api.listUsers });
}
