import { Button, Center, Loader, Stack, Text } from "@mantine/core";
import { type QueryClient, useQuery } from "@tanstack/react-query";
import { createContext, type ReactNode, useContext } from "react";
import { Navigate, useLocation } from "react-router";
import { api, rememberCsrfToken, type Session } from "./api";
import { isSignedOutError } from "./errors";

export const sessionQueryKey = ["session"] as const;

/**
 * Whether this browser may hold a session cookie (which scripts cannot see: it is HttpOnly). Without
 * the hint, every visit to the sign-in page would ask the server and get a 401, which browsers log as
 * an error. It only saves a question: the server still decides, and a stale "yes" costs one 401.
 */
const signedInHint = "keyward.maybe-signed-in";

function setSignedInHint(isSignedIn: boolean): void {
  try {
    if (isSignedIn) localStorage.setItem(signedInHint, "1");
    else localStorage.removeItem(signedInHint);
  } catch {
    // Storage disabled: the console asks the server every time, as it would without the hint.
  }
}

export function mayBeSignedIn(): boolean {
  try {
    return localStorage.getItem(signedInHint) !== null;
  } catch {
    return true;
  }
}

/** Loads the current session; `null` means nobody is signed in (not an error). */
async function fetchSession(): Promise<Session | null> {
  if (!mayBeSignedIn()) return null;
  try {
    const session = await api.getSession();
    rememberCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (isSignedOutError(error)) {
      rememberCsrfToken(null);
      setSignedInHint(false);
      return null;
    }
    throw error;
  }
}

export function useSessionQuery() {
  return useQuery({ queryKey: sessionQueryKey, queryFn: fetchSession, retry: false, staleTime: 30_000 });
}

/** Stores a fresh session (after sign-in) so every page sees it at once. */
export function storeSession(queryClient: QueryClient, session: Session | null): void {
  rememberCsrfToken(session?.csrfToken ?? null);
  setSignedInHint(session !== null);
  queryClient.setQueryData(sessionQueryKey, session);
}

/** Forgets everything the console knew about the signed-in person. */
export function forgetSession(queryClient: QueryClient): void {
  rememberCsrfToken(null);
  setSignedInHint(false);
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionQueryKey[0] });
  queryClient.setQueryData(sessionQueryKey, null);
}

const SessionContext = createContext<Session | null>(null);

/** The signed-in session; only usable below <RequireSession>. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession must be used below <RequireSession>.");
  return session;
}

export function useIsAdministrator(): boolean {
  return useSession().user.role === "administrator";
}

export function FullPageLoader() {
  return (
    <Center h="100vh">
      <Loader aria-label="Loading" />
    </Center>
  );
}

/** Renders its children for a signed-in person, and sends everyone else to the sign-in page. */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const { data: session, isPending, isError, refetch } = useSessionQuery();
  if (isPending) return <FullPageLoader />;
  // A failed refresh (a network blip when the person returns to the window) keeps the session it had.
  if (isError && session === undefined) return <SessionUnavailable onRetry={() => void refetch()} />;
  if (!session) {
    const from = `${location.pathname}${location.search}`;
    return <Navigate to="/sign-in" replace state={{ from }} />;
  }
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

function SessionUnavailable({ onRetry }: { onRetry: () => void }) {
  return (
    <Center h="100vh">
      <Stack align="center" gap="sm">
        <Text>The console could not reach the server.</Text>
        <Button onClick={onRetry}>Retry</Button>
      </Stack>
    </Center>
  );
}
