import { Suspense } from "react";
import { createBrowserRouter, Navigate } from "react-router";
import { RouteError } from "./components/route-error";
import {
  accountPageChunk,
  apiKeysPageChunk,
  appLayoutChunk,
  auditPageChunk,
  canariesPageChunk,
  keyDetailPageChunk,
  keyPolicyPageChunk,
  lazyFrom,
  notFoundPageChunk,
  serviceTokensPageChunk,
  usersPageChunk,
  webhookDetailPageChunk,
  webhooksPageChunk,
} from "./page-loaders";
import { SignInPage } from "./pages/sign-in-page";
import { FullPageLoader, RequireSession, useSession } from "./session";

const AppLayout = lazyFrom(appLayoutChunk, (m) => m.AppLayout);
const AccountPage = lazyFrom(accountPageChunk, (m) => m.AccountPage);
const ApiKeysPage = lazyFrom(apiKeysPageChunk, (m) => m.ApiKeysPage);
const UsersPage = lazyFrom(usersPageChunk, (m) => m.UsersPage);
const AuditPage = lazyFrom(auditPageChunk, (m) => m.AuditPage);
const KeyPolicyPage = lazyFrom(keyPolicyPageChunk, (m) => m.KeyPolicyPage);
const CanariesPage = lazyFrom(canariesPageChunk, (m) => m.CanariesPage);
const ServiceTokensPage = lazyFrom(serviceTokensPageChunk, (m) => m.ServiceTokensPage);
const KeyDetailPage = lazyFrom(keyDetailPageChunk, (m) => m.KeyDetailPage);
const WebhooksPage = lazyFrom(webhooksPageChunk, (m) => m.WebhooksPage);
const WebhookDetailPage = lazyFrom(webhookDetailPageChunk, (m) => m.WebhookDetailPage);
const NotFoundPage = lazyFrom(notFoundPageChunk, (m) => m.NotFoundPage);

function HomeRedirect() {
  const { user } = useSession();
  return <Navigate to={user.hasApiAccess ? "/account/api-keys" : "/account"} replace />;
}

export const router = createBrowserRouter([
  { path: "/sign-in", element: <SignInPage />, errorElement: <RouteError /> },
  {
    path: "/",
    element: (
      <RequireSession>
        <Suspense fallback={<FullPageLoader />}>
          <AppLayout />
        </Suspense>
      </RequireSession>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <HomeRedirect /> },
      { path: "account", element: <AccountPage /> },
      { path: "account/api-keys", element: <ApiKeysPage /> },
      { path: "account/api-keys/:id", element: <KeyDetailPage /> },
      { path: "users", element: <UsersPage /> },
      { path: "audit", element: <AuditPage /> },
      { path: "settings/key-policy", element: <KeyPolicyPage /> },
      { path: "settings/canaries", element: <CanariesPage /> },
      { path: "settings/webhooks", element: <WebhooksPage /> },
      { path: "settings/webhooks/:id", element: <WebhookDetailPage /> },
      { path: "settings/service-tokens", element: <ServiceTokensPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
