import type { KeywardKey } from "../answers.js";
import { errorBody, presentedKey } from "../answers.js";
import type { KeywardVerifier } from "../verifier.js";
import { type AdapterOptions, permissionFor } from "./options.js";

// Structural types: the package doesn't depend on Fastify.
interface FastifyLikeRequest {
  id: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  keyward?: KeywardKey;
}
interface FastifyLikeReply {
  code(status: number): FastifyLikeReply;
  header(name: string, value: string): FastifyLikeReply;
  send(body: unknown): unknown;
}

/**
 * An `onRequest` (or `preHandler`) hook: verifies the request's key and sets `request.keyward`, or
 * answers in Keyward's error shape. `app.decorateRequest("keyward", null)` once before using it.
 */
export function keywardFastify(verifier: KeywardVerifier, options: AdapterOptions<FastifyLikeRequest> = {}) {
  return async (request: FastifyLikeRequest, reply: FastifyLikeReply): Promise<void> => {
    const { authorization } = request.headers;
    const apiKey = request.headers["x-api-key"];
    const answer = await verifier.verify({
      key: presentedKey(
        typeof authorization === "string" ? authorization : undefined,
        typeof apiKey === "string" ? apiKey : undefined,
      ),
      permission: permissionFor(options.permission, request),
      ip: options.ip ? options.ip(request) : request.ip,
    });
    if (answer.valid) {
      request.keyward = answer.key;
      return;
    }
    if (answer.retryAfterSeconds !== undefined) reply.header("retry-after", String(answer.retryAfterSeconds));
    await reply.code(answer.status).send(errorBody(answer, request.id));
  };
}
