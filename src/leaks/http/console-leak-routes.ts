import * as z from "zod";
import { type AnyRoute, defineRoute } from "../../http/routes/define-route.js";
import type { RouteDeps } from "../../http/routes/route-deps.js";
import { idParamsSchema } from "../../http/routes/shared-schemas.js";
import {
  canarySchema,
  createCanary,
  createCanaryInputSchema,
  listCanaries,
  retireCanary,
} from "../canaries.js";
import { getLeakPolicy, leakPolicyInputSchema, leakPolicySchema, setLeakPolicy } from "../leak-policy.js";

const tag = "Console: leaked keys";

/** Canary keys (listed apart from real keys) and the account's leak policy; Administrators only. */
export function consoleLeakRoutes({ ctx }: RouteDeps): AnyRoute[] {
  const admin = { kind: "session", requires: "administrator" } as const;
  return [
    defineRoute({
      method: "GET",
      url: "/canaries",
      operationId: "listCanaries",
      tag,
      summary: "The account's canary keys",
      auth: admin,
      status: 200,
      response: z.object({ items: z.array(canarySchema) }),
      handler: async (request) => ({ items: await listCanaries(ctx.db, { actor: request.actor }) }),
    }),
    defineRoute({
      method: "POST",
      url: "/canaries",
      operationId: "createCanary",
      tag,
      summary: "Create a canary key to plant where it should never be used; the key is returned once",
      auth: admin,
      body: createCanaryInputSchema,
      status: 201,
      response: z.object({
        canary: canarySchema,
        secret: z.string().describe("The canary key. Shown once."),
      }),
      handler: async (request) => createCanary(ctx, { actor: request.actor, input: request.body }),
    }),
    defineRoute({
      method: "POST",
      url: "/canaries/:id/retire",
      operationId: "retireCanary",
      tag,
      summary: "Retire a canary: still refused, no longer raises alerts",
      auth: admin,
      params: idParamsSchema,
      status: 200,
      response: canarySchema,
      errors: ["not_found", "conflict"],
      handler: async (request) => retireCanary(ctx, { actor: request.actor, keyId: request.params.id }),
    }),
    defineRoute({
      method: "GET",
      url: "/account/leak-policy",
      operationId: "getLeakPolicy",
      tag,
      summary: "What a key found in public does: revoke (default) or notify only",
      auth: admin,
      status: 200,
      response: leakPolicySchema,
      handler: async (request) => getLeakPolicy(ctx.db, { actor: request.actor }),
    }),
    defineRoute({
      method: "PUT",
      url: "/account/leak-policy",
      operationId: "setLeakPolicy",
      tag,
      summary: "Set the account's leak policy",
      auth: admin,
      body: leakPolicyInputSchema,
      status: 200,
      response: leakPolicySchema,
      handler: async (request) => setLeakPolicy(ctx, { actor: request.actor, input: request.body }),
    }),
  ];
}
