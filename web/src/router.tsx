import { createBrowserRouter, Navigate } from "react-router";
import { AppLayout } from "./components/app-layout";
import { RouteError } from "./components/route-error";
import { AccountPage } from "./pages/account-page";
import { ApiKeysPage } from "./pages/api-keys-page";
import { AuditPage } from "./pages/audit-page";
import { NotFoundPage } from "./pages/not-found-page";
import { SignInPage } from "./pages/sign-in-page";
import { UsersPage } from "./pages/users-page";
import { RequireSession, useSession } from "./session";

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
        <AppLayout />
      </RequireSession>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <HomeRedirect /> },
      { path: "account", element: <AccountPage /> },
      { path: "account/api-keys", element: <ApiKeysPage /> },
      { path: "users", element: <UsersPage /> },
      { path: "audit", element: <AuditPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
