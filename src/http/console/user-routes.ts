import * as z from "zod";
import { createUser, newUserSchema } from "../../users/create-user.js";
import { deactivateUser } from "../../users/deactivate-user.js";
import { listUsers } from "../../users/list-users.js";
import { ceilingInputSchema, setPermissionCeiling } from "../../users/permission-ceiling.js";
import { grantApiAccess, removeApiAccess } from "../../users/set-api-access.js";
import { userSchema } from "../../users/user-view.js";
import { type AnyRoute, defineRoute } from "../routes/define-route.js";
import type { RouteDeps } from "../routes/route-deps.js";
import { idParamsSchema } from "../routes/shared-schemas.js";

const tag = "Console: users";
const auth = { kind: "session", requires: "administrator" } as const;

export function userRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/users",
      operationId: "listUsers",
      tag,
      summary: "The account's users (Administrators only)",
      auth,
      status: 200,
      response: z.object({ items: z.array(userSchema), nextCursor: z.null() }),
      handler: async (request) => ({
        items: await listUsers(ctx.db, { actor: request.actor }),
        nextCursor: null,
      }),
    }),
    defineRoute({
      method: "POST",
      url: "/users",
      operationId: "createUser",
      tag,
      summary: "Create a user (Administrators only)",
      auth,
      body: newUserSchema.strict(),
      status: 201,
      response: userSchema,
      errors: ["conflict"],
      handler: async (request) => createUser(ctx, { actor: request.actor, user: request.body }),
    }),
    defineRoute({
      method: "POST",
      url: "/users/:id/api-access",
      operationId: "grantApiAccess",
      tag,
      summary: "Grant a Marketplace Manager API access, optionally within a permission ceiling",
      description:
        "Their keys that are neither revoked nor expired work again at once. Without a ceiling, an earlier one stays (All permissions for a first grant).",
      auth,
      params: idParamsSchema,
      body: z.strictObject({ ceiling: ceilingInputSchema.optional() }).nullish(),
      status: 200,
      response: userSchema,
      errors: ["not_found", "conflict"],
      handler: async (request) =>
        grantApiAccess(ctx, {
          actor: request.actor,
          userId: request.params.id,
          ceiling: request.body?.ceiling,
        }),
    }),
    defineRoute({
      method: "PUT",
      url: "/users/:id/permission-ceiling",
      operationId: "setPermissionCeiling",
      tag,
      summary: "Set what a Marketplace Manager's keys may hold",
      description: "Lowering it narrows every one of their keys on its next request, on every instance.",
      auth,
      params: idParamsSchema,
      body: z.strictObject({ ceiling: ceilingInputSchema }),
      status: 200,
      response: userSchema,
      errors: ["not_found", "conflict"],
      handler: async (request) =>
        setPermissionCeiling(ctx, {
          actor: request.actor,
          userId: request.params.id,
          ceiling: request.body.ceiling,
        }),
    }),
    defineRoute({
      method: "DELETE",
      url: "/users/:id/api-access",
      operationId: "removeApiAccess",
      tag,
      summary: "Remove a Marketplace Manager's API access; their keys stop working at once",
      auth,
      params: idParamsSchema,
      status: 200,
      response: userSchema,
      errors: ["not_found", "conflict"],
      handler: async (request) => removeApiAccess(ctx, { actor: request.actor, userId: request.params.id }),
    }),
    defineRoute({
      method: "POST",
      url: "/users/:id/deactivate",
      operationId: "deactivateUser",
      tag,
      summary: "Deactivate a user; their sessions end and keys stop working",
      auth,
      params: idParamsSchema,
      status: 200,
      response: userSchema,
      errors: ["not_found", "conflict"],
      handler: async (request) => deactivateUser(ctx, { actor: request.actor, userId: request.params.id }),
    }),
  ];
}
