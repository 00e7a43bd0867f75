import * as z from "zod";
import type { Context } from "../../context.js";
import { type AnyRoute, defineRoute } from "../../http/routes/define-route.js";
import { idParamsSchema } from "../../http/routes/shared-schemas.js";
import type { ServiceTokenAuthenticator } from "../authenticate-service-token.js";
import type { ChangeStream } from "../change-stream.js";
import {
  createServiceToken,
  createServiceTokenInputSchema,
  listServiceTokens,
  revokeServiceToken,
  serviceTokenViewSchema,
} from "../service-tokens.js";

const tag = "Console: service tokens";
const auth = { kind: "session", requires: "administrator" } as const;

/** Settings > Service tokens: Administrators create, list and revoke their backends' tokens. */
export function serviceTokenRoutes(
  ctx: Context,
  service: { authenticator: ServiceTokenAuthenticator; stream: ChangeStream },
): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/service-tokens",
      operationId: "listServiceTokens",
      tag,
      summary: "List the account's service tokens (Administrators only)",
      auth,
      status: 200,
      response: z.object({ items: z.array(serviceTokenViewSchema) }),
      handler: async (request) => ({ items: await listServiceTokens(ctx, { actor: request.actor }) }),
    }),
    defineRoute({
      method: "POST",
      url: "/service-tokens",
      operationId: "createServiceToken",
      tag,
      summary: "Create a service token for one of your backends; the secret is shown once",
      auth,
      body: createServiceTokenInputSchema,
      status: 201,
      response: z
        .object({
          token: serviceTokenViewSchema,
          secret: z.string().describe("The full token (kws_…). Shown once, never again."),
        })
        .meta({ id: "ServiceTokenWithSecret" }),
      handler: async (request) => createServiceToken(ctx, { actor: request.actor, name: request.body.name }),
    }),
    defineRoute({
      method: "POST",
      url: "/service-tokens/:id/revoke",
      operationId: "revokeServiceToken",
      tag,
      summary: "Revoke a service token permanently; its change streams end",
      auth,
      params: idParamsSchema,
      status: 200,
      response: serviceTokenViewSchema,
      errors: ["not_found", "conflict"],
      handler: async (request) => {
        const token = await revokeServiceToken(ctx, { actor: request.actor, tokenId: request.params.id });
        service.authenticator.forget(token.id);
        service.stream.endStreamsOf(token.id);
        return token;
      },
    }),
  ];
}
