import * as z from "zod";
import {
  endOtherOwnSessions,
  endOwnSession,
  listOwnSessions,
  ownSessionSchema,
} from "../../sessions/own-sessions.js";
import { requireUser } from "../../users/actor.js";
import {
  changeOwnPassword,
  changePasswordSchema,
  isWrongCurrentPassword,
  passwordChangedSchema,
} from "../../users/change-password.js";
import { type AnyRoute, defineRoute } from "../routes/define-route.js";
import type { RouteDeps } from "../routes/route-deps.js";
import { idParamsSchema } from "../routes/shared-schemas.js";
import { sessionCookie } from "../session-auth.js";

const tag = "Console: profile";
// Every role: these act only on the signed-in user's own password and sessions.
const auth = { kind: "session" } as const;

/** The signed-in user's own password and sessions (the console's Profile page). */
export function profileRoutes({ ctx, config, guards }: RouteDeps): AnyRoute[] {
  const policy = { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs };
  return [
    defineRoute({
      method: "POST",
      url: "/session/password",
      operationId: "changePassword",
      tag,
      summary: "Change your password; your other sessions are signed out",
      description:
        "A wrong current password counts toward the sign-in limit for your email, like a failed sign-in.",
      auth,
      body: changePasswordSchema.strict(),
      status: 200,
      response: passwordChangedSchema,
      errors: ["rate_limited"],
      handler: async (request) => {
        const { email } = requireUser(request.actor);
        return guards.signIn.guard(
          { email, ip: request.ip },
          () =>
            changeOwnPassword(ctx, {
              actor: request.actor,
              credentials: request.body,
              currentToken: request.cookies[sessionCookie] ?? "",
            }),
          isWrongCurrentPassword,
        );
      },
    }),
    defineRoute({
      method: "GET",
      url: "/session/sessions",
      operationId: "listOwnSessions",
      tag,
      summary: "Your open sessions (signed-in browsers), newest first; the current one is marked",
      auth,
      status: 200,
      response: z.object({ items: z.array(ownSessionSchema) }),
      handler: async (request) => ({
        items: await listOwnSessions(ctx.db, {
          actor: request.actor,
          currentToken: request.cookies[sessionCookie] ?? "",
          policy,
        }),
      }),
    }),
    defineRoute({
      method: "DELETE",
      url: "/session/sessions/:id",
      operationId: "endOwnSession",
      tag,
      summary: "Sign out one of your other sessions",
      description: "The session making the request is ended by signing out (`DELETE /session`).",
      auth,
      params: idParamsSchema,
      status: 204,
      response: z.null().describe("Signed out."),
      errors: ["not_found", "conflict"],
      handler: async (request) => {
        await endOwnSession(ctx.db, {
          actor: request.actor,
          currentToken: request.cookies[sessionCookie] ?? "",
          sessionId: request.params.id,
        });
        return null;
      },
    }),
    defineRoute({
      method: "POST",
      url: "/session/sessions/end-others",
      operationId: "endOtherOwnSessions",
      tag,
      summary: "Sign out every session of yours but this one",
      auth,
      status: 200,
      response: passwordChangedSchema.pick({ endedSessions: true }).meta({ id: "SessionsEnded" }),
      handler: async (request) => ({
        endedSessions: await endOtherOwnSessions(ctx.db, {
          actor: request.actor,
          currentToken: request.cookies[sessionCookie] ?? "",
        }),
      }),
    }),
  ];
}
