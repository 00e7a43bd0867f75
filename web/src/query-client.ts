import { focusManager, MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { ApiError, setRefusalListener } from "./api";
import { reportError } from "./errors";
import { sessionQueryKey } from "./session";

/** Queries and mutations that handle their own errors set `meta: { handlesErrors: true }`. */
declare module "@tanstack/react-query" {
  interface Register {
    queryMeta: { handlesErrors?: boolean };
    mutationMeta: { handlesErrors?: boolean };
  }
}

/**
 * The console's server state. What it shows can change elsewhere at any time (an Administrator removes
 * someone's API access, revokes a key, the CLI does either), so it is refreshed whenever the person
 * comes back to the console, and at once when the server refuses a request.
 */
export function createQueryClient(): QueryClient {
  const queryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (!query.meta?.handlesErrors) reportError(error, "Could not load data");
      },
    }),
    mutationCache: new MutationCache({
      onError: (error, _variables, _context, mutation) => {
        if (!mutation.meta?.handlesErrors) reportError(error);
      },
    }),
    defaultOptions: {
      queries: {
        // Client errors (403, 404, 401) will not change on retry; network and 5xx get two more tries.
        retry: (failureCount, error) =>
          failureCount < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
        staleTime: 10_000,
        refetchOnWindowFocus: "always",
      },
    },
  });

  // A 403 means the person's rights changed under the console (API access removed, no longer an
  // Administrator): reload the session, and the menu and page follow it with their explanation. Only
  // the session: refetching the refused query itself could repeat the 403 for ever.
  // A 401 not_signed_in is handled where it is reported (errors.ts): the console goes to sign-in.
  setRefusalListener((error) => {
    if (error.status === 403) void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
  });

  // TanStack Query listens for visibilitychange only; switching between two visible windows (the
  // Administrator's and the console) fires focus, not visibilitychange.
  // Called without an argument, handleFocus re-reads document.visibilityState and refetches if visible.
  focusManager.setEventListener((handleFocus) => {
    const listener = () => handleFocus();
    window.addEventListener("focus", listener);
    window.addEventListener("visibilitychange", listener);
    return () => {
      window.removeEventListener("focus", listener);
      window.removeEventListener("visibilitychange", listener);
    };
  });
  return queryClient;
}
