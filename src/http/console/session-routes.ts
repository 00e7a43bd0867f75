import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { AppError } from "../../errors.js";
import { csrfTokenFor, endSession } from "../../sessions/sessions.js";
import { signIn, signInSchema } from "../../sessions/sign-in.js";
import type { Actor } from "../../users/actor.js";
import { loadUserView } from "../../users/user-view.js";
import { clearSessionCookie, sessionCookie, setSessionCookie } from "../session-auth.js";
import type { RouteDeps } from "./deps.js";
import { errorResponses, sessionSchema } from "./schemas.js";

const tags = ["Console: session"];

export async function sessionRoutes(app: FastifyInstance, { ctx, config, guards }: RouteDeps): Promise<void> {
  const routes = app.withTypeProvider<ZodTypeProvider>();

  async function describeSession(accountId: string, userId: string, token: string) {
    const account = await ctx.db
      .selectFrom("accounts")
      .select(["id", "name"])
      .where("id", "=", accountId)
      .executeTakeFirstOrThrow();
    return { user: await loadUserView(ctx.db, accountId, userId), account, csrfToken: csrfTokenFor(token) };
  }

  routes.post(
    "/session",
    {
      config: { isPublic: true },
      schema: {
        tags,
        summary: "Sign in with email and password",
        body: signInSchema.strict(),
        response: { 200: sessionSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const email = request.body.email;
      await guards.signIn.assertAllowed(email, request.ip);
      const { token, userId } = await signIn(ctx.db, {
        credentials: request.body,
        ip: request.ip,
        previousToken: request.cookies[sessionCookie],
      }).catch(async (error: unknown) => {
        if (error instanceof AppError && error.code === "invalid_credentials") {
          await guards.signIn.recordFailure(email, request.ip);
        }
        throw error;
      });
      await guards.signIn.recordSuccess(email);
      const user = await ctx.db
        .selectFrom("users")
        .select("account_id")
        .where("id", "=", userId)
        .executeTakeFirstOrThrow();
      setSessionCookie(reply, request, token, config);
      return describeSession(user.account_id, userId, token);
    },
  );

  routes.get(
    "/session",
    { schema: { tags, summary: "The signed-in user", response: { 200: sessionSchema, ...errorResponses } } },
    async (request) => {
      const actor = request.actor as Extract<Actor, { type: "user" }>;
      return describeSession(actor.accountId, actor.userId, request.cookies[sessionCookie] ?? "");
    },
  );

  routes.delete(
    "/session",
    { schema: { tags, summary: "Sign out (ends the session on the server)", response: { 204: z.null() } } },
    async (request, reply) => {
      await endSession(ctx.db, request.cookies[sessionCookie] ?? "");
      clearSessionCookie(reply);
      return reply.status(204).send(null);
    },
  );
}
