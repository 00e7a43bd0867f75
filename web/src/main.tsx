import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "./styles.css";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router/dom";
import { ApiError } from "./api";
import { reportError, setSignedOutHandler } from "./errors";
import { router } from "./router";
import { forgetSession, sessionQueryKey } from "./session";
import { cssVariablesResolver, theme } from "./theme";

/** Queries and mutations that handle their own errors set `meta: { handlesErrors: true }`. */
declare module "@tanstack/react-query" {
  interface Register {
    queryMeta: { handlesErrors?: boolean };
    mutationMeta: { handlesErrors?: boolean };
  }
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      // Access changed under us (an Administrator removed it): reload the session so menus and pages
      // show the person what they may do now.
      if (
        error instanceof ApiError &&
        ["api_access_required", "administrator_required"].includes(error.code)
      ) {
        void queryClient.invalidateQueries({ queryKey: sessionQueryKey });
      }
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
    },
  },
});

setSignedOutHandler(() => {
  forgetSession(queryClient);
  const from = `${window.location.pathname}${window.location.search}`;
  void router.navigate("/sign-in", { replace: true, state: { from } });
});

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element.");

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="light">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
