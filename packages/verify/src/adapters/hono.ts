import { randomUUID } from "node:crypto";
import type { KeywardKey } from "../answers.js";
import { errorBody, presentedKey } from "../answers.js";
import type { KeywardVerifier } from "../verifier.js";
import { type AdapterOptions, permissionFor } from "./options.js";

// Structural types: the package doesn't depend on Hono.
interface HonoLikeContext {
  req: { header(name: string): string | undefined };
  set(name: "keyward", value: KeywardKey): void;
  json(body: unknown, status: number, headers?: Record<string, string>): Response;
}

/**
 * Hono middleware: verifies the request's key and sets `c.get("keyward")`, or answers in Keyward's
 * error shape. Hono has no client address of its own: pass `ip` (e.g. from `getConnInfo`).
 */
export function keywardHono<Context extends HonoLikeContext>(
  verifier: KeywardVerifier,
  options: AdapterOptions<Context> = {},
) {
  return async (c: Context, next: () => Promise<void>): Promise<Response | undefined> => {
    const answer = await verifier.verify({
      key: presentedKey(c.req.header("authorization"), c.req.header("x-api-key")),
      permission: permissionFor(options.permission, c),
      ip: options.ip?.(c),
    });
    if (answer.valid) {
      c.set("keyward", answer.key);
      await next();
      return undefined;
    }
    const requestId = randomUUID();
    return c.json(errorBody(answer, requestId), answer.status, {
      "request-id": requestId,
      ...(answer.retryAfterSeconds === undefined ? {} : { "retry-after": String(answer.retryAfterSeconds) }),
    });
  };
}
