import * as z from "zod";
import { inboxSchema, listInbox, markInboxRead } from "../../inbox/inbox.js";
import { type AnyRoute, defineRoute } from "../routes/define-route.js";
import type { RouteDeps } from "../routes/route-deps.js";
import { idParamsSchema } from "../routes/shared-schemas.js";

const tag = "Console: notifications";

/** The header's bell: the signed-in user's own notifications. */
export function inboxRoutes({ ctx }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "GET",
      url: "/inbox",
      operationId: "listInbox",
      tag,
      summary: "Your latest notifications and how many are unread",
      auth: { kind: "session" },
      status: 200,
      response: inboxSchema,
      handler: async (request) => listInbox(ctx.db, { actor: request.actor }),
    }),
    defineRoute({
      method: "POST",
      url: "/inbox/:id/read",
      operationId: "markInboxItemRead",
      tag,
      summary: "Mark one of your notifications read",
      auth: { kind: "session" },
      params: idParamsSchema,
      status: 204,
      response: z.null(),
      errors: ["not_found"],
      handler: async (request) => {
        await markInboxRead(ctx.db, { actor: request.actor, notificationId: request.params.id });
        return null;
      },
    }),
    defineRoute({
      method: "POST",
      url: "/inbox/read-all",
      operationId: "markInboxRead",
      tag,
      summary: "Mark all your notifications read",
      auth: { kind: "session" },
      status: 204,
      response: z.null(),
      handler: async (request) => {
        await markInboxRead(ctx.db, { actor: request.actor });
        return null;
      },
    }),
  ];
}
