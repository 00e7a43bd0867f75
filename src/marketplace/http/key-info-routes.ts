import * as z from "zod";
import { type AnyRoute, defineRoute } from "../../http/routes/define-route.js";
import { expiringSoonMs } from "../../keys/hygiene/key-status.js";
import { describePermissions, permissionsViewSchema } from "../../keys/permissions.js";
import { timestampSchema } from "../../shared/schemas.js";
import { tag } from "./schemas.js";

export const callingKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    status: z
      .enum(["active", "expiring_soon", "rolled"])
      .describe("rolled: this secret was replaced and works only until `secretValidUntil`."),
    permissions: permissionsViewSchema.describe(
      "What the key may do now (within its owner's permission limit).",
    ),
    permissionsSummary: z.string(),
    expiresAt: timestampSchema.nullable(),
    secretValidUntil: timestampSchema
      .nullable()
      .describe("When this secret stops working, if a roll replaced it; switch to the new one before then."),
  })
  .meta({ id: "CallingKey" });

/** GET /api/v1/key: who am I — the calling key's id, name and permissions, never the secret. */
export function keyInfoRoutes(): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/key",
      operationId: "getCallingKey",
      tag,
      summary: "The calling API key: its status, expiry and what it may do",
      description: "Any valid key may call it; integrations use it to check their own key.",
      auth: { kind: "key" },
      status: 200,
      response: callingKeySchema,
      handler: async (request) => {
        const key = request.apiKey;
        const expiresAt = key.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(key.expiresAt);
        const status: "active" | "expiring_soon" | "rolled" =
          key.previousSecretValidUntil !== null
            ? "rolled"
            : expiresAt - Date.now() <= expiringSoonMs
              ? "expiring_soon"
              : "active";
        return {
          id: key.id,
          name: key.name,
          status,
          permissions: key.permissions,
          permissionsSummary: describePermissions(key.permissions),
          expiresAt: key.expiresAt,
          secretValidUntil: key.previousSecretValidUntil,
        };
      },
    }),
  ];
}
