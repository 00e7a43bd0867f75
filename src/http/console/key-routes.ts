import * as z from "zod";
import { createKey, createKeyInputSchema } from "../../keys/create-key.js";
import { apiKeySchema, getKey } from "../../keys/key-view.js";
import { keySorts, keyStatusFilters, listKeys } from "../../keys/list-keys.js";
import { revokeKey } from "../../keys/revoke-key.js";
import { rollKey, rollKeyInputSchema } from "../../keys/roll-key.js";
import { updateKey, updateKeyInputSchema } from "../../keys/update-key.js";
import { createPageSchema, pageQuery } from "../../shared/pagination.js";
import { idTextSchema, singleLineText } from "../../shared/validation.js";
import { type AnyRoute, defineRoute } from "../routes/define-route.js";
import type { RouteDeps } from "../routes/route-deps.js";
import { idParamsSchema } from "../routes/shared-schemas.js";

const tag = "Console: API keys";

const keyWithSecretSchema = z
  .object({ key: apiKeySchema, secret: z.string().describe("The full key. Shown once, never again.") })
  .meta({ id: "ApiKeyWithSecret" });
// Who may use these routes is decided before their input is: no API access is 403, whatever the body.
const auth = { kind: "session", requires: "api_access" } as const;

export function keyRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/keys",
      operationId: "listKeys",
      tag,
      summary: "List API keys (Administrators: the account's; Managers: their own)",
      auth,
      querystring: z.strictObject({
        status: z
          .enum(keyStatusFilters)
          .default("current")
          .describe(
            "current: every key not revoked; active: keys that work now (active, expiring soon, rolled); expiring: those expiring within 7 days; expired, suspended, revoked: that status; all: every key.",
          ),
        ownerId: idTextSchema.optional().describe("Only this user's keys."),
        q: singleLineText("q", 100)
          .optional()
          .describe("Only keys whose name or hint contains this, any case."),
        sort: z
          .enum(keySorts)
          .default("-created")
          .describe(
            "name, created, last_used or expires; a leading - reverses. Never-used keys sort as the oldest use, never-expiring keys as the latest expiry.",
          ),
        ...pageQuery,
      }),
      status: 200,
      response: createPageSchema(apiKeySchema),
      handler: async (request) => listKeys(ctx.db, { actor: request.actor, ...request.query }),
    }),
    defineRoute({
      method: "POST",
      url: "/keys",
      operationId: "createKey",
      tag,
      summary: "Generate an API key; the response is the only time the full key is shown",
      auth,
      body: createKeyInputSchema,
      status: 201,
      response: keyWithSecretSchema,
      errors: ["exceeds_permission_ceiling"],
      handler: async (request, reply) => {
        reply.header("cache-control", "no-store");
        return createKey(ctx, { actor: request.actor, ...request.body });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/keys/:id",
      operationId: "getKey",
      tag,
      summary: "One API key",
      auth,
      params: idParamsSchema,
      status: 200,
      response: apiKeySchema,
      errors: ["not_found"],
      handler: async (request) => getKey(ctx.db, { actor: request.actor, keyId: request.params.id }),
    }),
    defineRoute({
      method: "PATCH",
      url: "/keys/:id",
      operationId: "updateKey",
      tag,
      summary: "Edit an API key's name or permissions (owner or Administrator)",
      auth,
      params: idParamsSchema,
      body: updateKeyInputSchema,
      status: 200,
      response: apiKeySchema,
      errors: ["not_found", "conflict", "exceeds_permission_ceiling"],
      handler: async (request) =>
        updateKey(ctx, { actor: request.actor, keyId: request.params.id, ...request.body }),
    }),
    defineRoute({
      method: "POST",
      url: "/keys/:id/roll",
      operationId: "rollKey",
      tag,
      summary:
        "Roll an API key to a new secret; the old one works for the grace period (owner or Administrator)",
      description:
        "The key keeps its id, name, permissions and allowlist. The response is the only time the new secret is shown. Rolling again ends an earlier grace period at once. An expired key is renewed for the lifetime it had (within the account's maximum); its expired secret gets no grace.",
      auth,
      params: idParamsSchema,
      body: rollKeyInputSchema,
      status: 200,
      response: keyWithSecretSchema,
      errors: ["not_found", "conflict"],
      handler: async (request, reply) => {
        reply.header("cache-control", "no-store");
        return rollKey(ctx, { actor: request.actor, keyId: request.params.id, grace: request.body.grace });
      },
    }),
    defineRoute({
      method: "POST",
      url: "/keys/:id/revoke",
      operationId: "revokeKey",
      tag,
      summary: "Revoke an API key permanently (Administrators only)",
      description:
        "Takes effect on the very next request on every instance: the response is sent only after every instance has dropped the key.",
      auth,
      params: idParamsSchema,
      status: 200,
      response: apiKeySchema,
      errors: ["administrator_required", "not_found", "conflict"],
      handler: async (request) => revokeKey(ctx, { actor: request.actor, keyId: request.params.id }),
    }),
  ];
}
