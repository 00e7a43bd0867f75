import proxy from "@fastify/http-proxy";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { errorBody, presentedKey } from "../../packages/verify/src/answers.js";
import type { KeywardVerifier } from "../../packages/verify/src/verifier.js";
import type { GatewayConfig } from "./gateway-config.js";
import { compileRules } from "./route-rules.js";
import { type ForwardedIdentity, identityHeaders, signIdentity } from "./signature.js";

export interface GatewayOptions {
  config: GatewayConfig;
  verifier: KeywardVerifier;
  logLevel?: string;
}

type ErrorCode = "not_found" | "invalid_request" | "bad_gateway" | "gateway_timeout";

const statusOf: Record<ErrorCode, number> = {
  not_found: 404,
  invalid_request: 400,
  bad_gateway: 502,
  gateway_timeout: 504,
};

/**
 * The gateway: a reverse proxy (@fastify/http-proxy over undici) that verifies every request's key
 * with the verifier before anything is sent upstream, replaces any X-Keyward-* header the client sent
 * with the key's identity and an HMAC signature, and answers its own failures in Keyward's error shape.
 * WebSocket upgrades are refused (400): a long-lived connection would outlive a revoke.
 */
export async function buildGateway(options: GatewayOptions): Promise<FastifyInstance> {
  const { config, verifier } = options;
  const match = compileRules(config.routes);
  const identities = new WeakMap<object, ForwardedIdentity>();
  const app: FastifyInstance = Fastify({
    bodyLimit: config.bodyLimitBytes,
    logger: {
      level: options.logLevel ?? "info",
      redact: { paths: ["req.headers.authorization", 'req.headers["x-api-key"]'], censor: "[redacted]" },
    },
  });
  app.addHook("onRequest", async (request, reply) => {
    reply.header("request-id", request.id);
    if (request.headers.upgrade !== undefined) {
      return fail(
        request,
        reply,
        "invalid_request",
        "WebSocket and other upgrades are not passed through the Keyward gateway.",
      );
    }
  });
  await app.register(proxy, {
    upstream: config.upstream,
    websocket: false,
    undici: { headersTimeout: config.timeoutSeconds * 1000, bodyTimeout: config.timeoutSeconds * 1000 },
    preHandler: async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split("?")[0] ?? "/";
      const rule = match(request.method, path);
      if (rule === null)
        return fail(
          request,
          reply,
          "not_found",
          `No route rule of the gateway covers ${request.method} ${path}.`,
        );
      const { authorization } = request.headers;
      const apiKey = request.headers["x-api-key"];
      const answer = await verifier.verify({
        key: presentedKey(authorization, typeof apiKey === "string" ? apiKey : undefined),
        permission: rule.permission,
        ip: request.ip,
      });
      if (!answer.valid) {
        if (answer.retryAfterSeconds !== undefined)
          reply.header("retry-after", String(answer.retryAfterSeconds));
        return reply.code(answer.status).send(errorBody(answer, request.id));
      }
      const { permissions } = answer.key;
      identities.set(request.raw, {
        keyId: answer.key.id,
        accountId: answer.key.accountId,
        permissions: permissions.all
          ? "all"
          : Object.entries(permissions.sections)
              .map(([section, access]) => `${section}:${access}`)
              .sort()
              .join(","),
      });
    },
    replyOptions: {
      rewriteRequestHeaders: (request, headers) => {
        const forwarded: Record<string, string | string[] | undefined> = {};
        for (const [name, value] of Object.entries(headers)) {
          // The key stays at the gateway; only identity headers the gateway itself wrote go upstream.
          if (name.startsWith("x-keyward-") || name === "authorization" || name === "x-api-key") continue;
          forwarded[name] = value;
        }
        const identity = identities.get(request.raw);
        if (identity === undefined) return forwarded;
        forwarded[identityHeaders.keyId] = identity.keyId;
        forwarded[identityHeaders.accountId] = identity.accountId;
        forwarded[identityHeaders.permissions] = identity.permissions;
        forwarded[identityHeaders.signature] = signIdentity(
          config.signingSecret,
          request.method,
          request.url,
          identity,
        );
        return forwarded;
      },
      onError: (reply, { error }) => {
        const isTimeout = /timeout/i.test(`${(error as { code?: string }).code ?? ""} ${error.message}`);
        reply.log.warn({ err: error }, "upstream failed");
        const code: ErrorCode = isTimeout ? "gateway_timeout" : "bad_gateway";
        const message = isTimeout
          ? `The upstream did not answer within ${config.timeoutSeconds} s.`
          : "The upstream service could not be reached or failed to answer.";
        reply.code(statusOf[code]).send({ error: { code, message, requestId: reply.request.id } });
      },
    },
  });
  return app;
}

function fail(request: FastifyRequest, reply: FastifyReply, code: ErrorCode, message: string) {
  return reply.code(statusOf[code]).send({ error: { code, message, requestId: request.id } });
}
