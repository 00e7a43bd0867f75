import { type ComponentType, type LazyExoticComponent, lazy } from "react";

/** A module fetched on demand, which can be asked for early and then read without waiting. */
interface Chunk<M> {
  load: () => Promise<M>;
  loaded: () => M | undefined;
}

function chunk<M>(importer: () => Promise<M>): Chunk<M> {
  let module: M | undefined;
  let loading: Promise<M> | undefined;
  return {
    load: () => {
      loading ??= importer().then((value) => {
        module = value;
        return value;
      });
      return loading;
    },
    loaded: () => module,
  };
}

/**
 * React.lazy over a chunk. If the chunk is already in (preloaded below), the component renders in the
 * same pass: the factory returns a thenable that calls back at once — React.lazy accepts any thenable —
 * instead of a promise, which would suspend for a tick, show the fallback, and then keep it on screen
 * for React's minimum of 300 ms per Suspense boundary.
 */
export function lazyFrom<M, P extends object>(
  source: Chunk<M>,
  pick: (module: M) => ComponentType<P>,
): LazyExoticComponent<ComponentType<P>> {
  return lazy(() => {
    const module = source.loaded();
    if (module === undefined) return source.load().then((value) => ({ default: pick(value) }));
    const ready = {
      // biome-ignore lint/suspicious/noThenProperty: a thenable that resolves synchronously is the point
      then: (resolve: (value: { default: ComponentType<P> }) => void) => resolve({ default: pick(module) }),
    };
    return ready as unknown as Promise<{ default: ComponentType<P> }>;
  });
}

// The sign-in page is in the first download; everything behind it arrives when first opened, so a
// visitor who is not signed in loads only what the sign-in page shows.
export const appLayoutChunk = chunk(() => import("./components/app-layout"));
export const accountPageChunk = chunk(() => import("./pages/account-page"));
export const apiKeysPageChunk = chunk(() => import("./pages/api-keys-page"));
export const usersPageChunk = chunk(() => import("./pages/users-page"));
export const auditPageChunk = chunk(() => import("./pages/audit-page"));
export const keyPolicyPageChunk = chunk(() => import("./pages/key-policy-page"));
export const canariesPageChunk = chunk(() => import("./pages/canaries-page"));
export const serviceTokensPageChunk = chunk(() => import("./pages/service-tokens-page"));
export const keyDetailPageChunk = chunk(() => import("./pages/keys/key-detail-page"));
export const webhooksPageChunk = chunk(() => import("./pages/webhooks/webhooks-page"));
export const webhookDetailPageChunk = chunk(() => import("./pages/webhooks/webhook-detail-page"));
export const notFoundPageChunk = chunk(() => import("./pages/not-found-page"));

const pageChunks: Record<string, Chunk<unknown>> = {
  "/account": accountPageChunk,
  "/account/api-keys": apiKeysPageChunk,
  "/users": usersPageChunk,
  "/audit": auditPageChunk,
  "/settings/key-policy": keyPolicyPageChunk,
  "/settings/canaries": canariesPageChunk,
  "/settings/webhooks": webhooksPageChunk,
  "/settings/service-tokens": serviceTokensPageChunk,
};

/**
 * Starts downloading the console's frame and the page at `pathname`, so they arrive while the session
 * is checked (or the sign-in request is answered) rather than one after the other once it is.
 */
export function preloadPage(pathname: string): void {
  if (pathname === "/sign-in") return;
  void appLayoutChunk.load();
  void pageChunks[pathname]?.load();
  if (pathname.startsWith("/account/api-keys/")) void keyDetailPageChunk.load();
  if (pathname.startsWith("/settings/webhooks/")) void webhookDetailPageChunk.load();
}
