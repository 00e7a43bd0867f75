import * as z from "zod";
import { describeSession, sessionSchema } from "../../sessions/session-view.js";
import { endSession } from "../../sessions/sessions.js";
import { signIn, signInSchema } from "../../sessions/sign-in.js";
import { type AnyRoute, defineRoute } from "../routes/define-route.js";
import type { RouteDeps } from "../routes/route-deps.js";
import { clearSessionCookie, sessionCookie, setSessionCookie } from "../session-auth.js";

const tag = "Console: session";

export function sessionRoutes({ ctx, config, guards }: RouteDeps): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      url: "/session",
      operationId: "signIn",
      tag,
      summary: "Sign in with email and password",
      description: "Sets the session cookie. Failed attempts lock the email and the address out for a while.",
      auth: { kind: "public" },
      body: signInSchema.strict(),
      status: 200,
      response: sessionSchema,
      errors: ["invalid_credentials", "user_deactivated", "rate_limited"],
      handler: async (request, reply) => {
        const { token, userId } = await guards.signIn.guard(
          { email: request.body.email, ip: request.ip },
          () =>
            signIn(ctx.db, {
              credentials: request.body,
              ip: request.ip,
              previousToken: request.cookies[sessionCookie],
            }),
        );
        setSessionCookie(reply, request, token, config);
        return describeSession(ctx.db, { userId, token });
      },
    }),
    defineRoute({
      method: "GET",
      url: "/session",
      operationId: "getSession",
      tag,
      summary: "The signed-in user, their account and the CSRF token",
      auth: { kind: "session" },
      status: 200,
      response: sessionSchema,
      handler: async (request) =>
        describeSession(ctx.db, {
          userId: request.actor.type === "user" ? request.actor.userId : "",
          token: request.cookies[sessionCookie] ?? "",
        }),
    }),
    defineRoute({
      method: "DELETE",
      url: "/session",
      operationId: "signOut",
      tag,
      summary: "Sign out (ends the session on the server)",
      auth: { kind: "session" },
      status: 204,
      response: z.null().describe("Signed out."),
      handler: async (request, reply) => {
        await endSession(ctx.db, request.cookies[sessionCookie] ?? "");
        clearSessionCookie(reply);
        return null;
      },
    }),
  ];
}
