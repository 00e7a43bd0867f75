import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import "./styles.css";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router/dom";
import { setSignedOutHandler } from "./errors";
import { preloadPage } from "./page-loaders";
import { createQueryClient } from "./query-client";
import { router } from "./router";
import { forgetSession, mayBeSignedIn } from "./session";
import { cssVariablesResolver, theme } from "./theme";

const queryClient = createQueryClient();

setSignedOutHandler(() => {
  forgetSession(queryClient);
  const from = `${window.location.pathname}${window.location.search}`;
  void router.navigate("/sign-in", { replace: true, state: { from } });
});

if (mayBeSignedIn()) preloadPage(window.location.pathname);

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element.");

createRoot(root).render(
  <StrictMode>
    {/* "auto" follows the system's light or dark preference until the person picks one (header toggle). */}
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto">
      {/* Bottom right: at the top, messages would cover the account menu (and Sign out) for seconds. */}
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
