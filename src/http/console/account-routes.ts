import {
  accountPolicyInputSchema,
  accountPolicySchema,
  getAccountPolicy,
  setAccountPolicy,
} from "../../accounts/account-policy.js";
import { type AnyRoute, defineRoute } from "../routes/define-route.js";
import type { RouteDeps } from "../routes/route-deps.js";

const tag = "Console: account";

export function accountRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/account/policy",
      operationId: "getAccountPolicy",
      tag,
      summary: "The account's key policy: maximum and default key lifetime",
      auth: { kind: "session", requires: "api_access" },
      status: 200,
      response: accountPolicySchema,
      handler: async (request) => getAccountPolicy(ctx.db, { actor: request.actor }),
    }),
    defineRoute({
      method: "PATCH",
      url: "/account/policy",
      operationId: "setAccountPolicy",
      tag,
      summary: "Change the account's key policy (Administrators only)",
      description:
        "Lowering the maximum doesn't change existing keys: the ones that now live too long are flagged `exceedsPolicy`.",
      auth: { kind: "session", requires: "administrator" },
      body: accountPolicyInputSchema,
      status: 200,
      response: accountPolicySchema,
      handler: async (request) => setAccountPolicy(ctx, { actor: request.actor, changes: request.body }),
    }),
  ];
}
