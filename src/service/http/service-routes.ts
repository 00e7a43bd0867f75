import type { FastifyInstance, FastifyRequest } from "fastify";
import * as z from "zod";
import { notFound } from "../../errors.js";
import { type AnyRoute, defineRoute, registerRoutes } from "../../http/routes/define-route.js";
import { errorResponses } from "../../http/routes/error-responses.js";
import type { KeyVerifier } from "../../keys/verification/verify-key.js";
import type { ServiceCaller, ServiceTokenAuthenticator } from "../authenticate-service-token.js";
import type { ChangeStream } from "../change-stream.js";
import { verifyForService, verifyInputSchema, verifyResultSchema } from "../verify-for-service.js";

declare module "fastify" {
  interface FastifyRequest {
    serviceCaller: ServiceCaller;
  }
}

export interface ServiceApiOptions {
  verifier: KeyVerifier;
  authenticator: ServiceTokenAuthenticator;
  stream: ChangeStream;
}

const tag = "Verification";

/** The verification API at /service/v1: every route takes a service token. */
export function registerServiceApi(scope: FastifyInstance, options: ServiceApiOptions): void {
  const { authenticator, stream, verifier } = options;
  scope.decorateRequest("serviceCaller", null as never);
  scope.addHook("onRequest", async (request) => {
    request.serviceCaller = await authenticator.authenticate(serviceTokenOf(request));
  });
  registerRoutes(scope, serviceRoutes(verifier, stream));
  scope.get(
    "/changes",
    {
      schema: {
        operationId: "streamChanges",
        tags: [tag],
        summary: "Server-Sent Events: which cached keys to drop, to acknowledge each",
        description:
          "Events: `ready` (`{subscriberId, heartbeatMs}`), then `change` (`{messageId, kind: key|owner|all, id}`) whenever a key or its owner changes. Drop the entries, then acknowledge with POST /service/v1/changes/ack. A revoke in the console returns only after every subscriber acknowledged, or — silent for 1 s — had its stream ended. A comment line is sent every heartbeatMs; a verifier that hears nothing for twice that long must stop trusting its cache.",
        security: [{ serviceToken: [] }],
        response: {
          200: z.string().describe("The event stream (text/event-stream), open until either side ends it."),
          ...errorResponses(["invalid_service_token"]),
        },
      },
    },
    (request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
        "request-id": request.id,
      });
      raw.socket?.setNoDelay(true);
      const { unsubscribe } = stream.subscribe(request.serviceCaller.tokenId, {
        write: (text) => raw.write(text),
        end: () => raw.end(),
      });
      raw.on("close", unsubscribe);
    },
  );
}

function serviceRoutes(verifier: KeyVerifier, stream: ChangeStream): AnyRoute[] {
  return [
    defineRoute({
      method: "POST",
      url: "/verify",
      operationId: "verifyKey",
      tag,
      summary: "Verify an API key presented to your own service",
      description:
        "The same verification the built-in API makes (cache, expiry, allowlist, permission ceiling, rate limit, usage counting, failed-key limits keyed on `ip`). A key that doesn't work is a 200 with `valid: false` and the code the built-in API would answer; a key of another account is `invalid_api_key`.",
      auth: { kind: "service" },
      body: verifyInputSchema,
      status: 200,
      response: verifyResultSchema,
      handler: async (request) =>
        verifyForService(verifier, {
          caller: request.serviceCaller,
          input: request.body,
          callerIp: request.ip,
        }),
    }),
    defineRoute({
      method: "POST",
      url: "/changes/ack",
      operationId: "acknowledgeChange",
      tag,
      summary: "Acknowledge a change from the stream, once your cache has dropped it",
      auth: { kind: "service" },
      body: z.strictObject({ subscriberId: z.int().min(1), messageId: z.string().min(1).max(64) }),
      status: 204,
      response: z.null(),
      errors: ["not_found"],
      handler: async (request) => {
        const { subscriberId, messageId } = request.body;
        const isKnown = stream.acknowledge(request.serviceCaller.tokenId, subscriberId, messageId);
        if (!isKnown) throw notFound("Subscriber");
        return null;
      },
    }),
  ];
}

const bearer = /^bearer\s+(\S+)\s*$/i;

/** `Authorization: Bearer kws_…`. */
function serviceTokenOf(request: FastifyRequest): string | undefined {
  const authorization = request.headers.authorization;
  return authorization === undefined ? undefined : bearer.exec(authorization)?.[1];
}
