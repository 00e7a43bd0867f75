import type { IncomingMessage, ServerResponse } from "node:http";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";

/** The console's policy: no inline or eval script, no framing, nothing loaded from elsewhere. */
export const helmetOptions: Readonly<HelmetOptions> = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", "data:"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
    },
  },
};

/**
 * The headers helmet sets for `options`, computed once. helmet's middleware sets the same headers on
 * every response whatever the request, so running it once against a recording response gives them all.
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure) throw failure;
  return headers;
}

/**
 * The same options with `upgrade-insecure-requests` switched on or off. The directive only makes sense
 * on a page that came over https: on a plain-http page (a LAN name such as http://keyward.lan:3000, which
 * browsers do not treat as secure) it rewrites every asset to https and the console stays blank.
 */
export function withUpgradeInsecureRequests(
  options: Readonly<HelmetOptions>,
  isUpgraded: boolean,
): Readonly<HelmetOptions> {
  const csp = options.contentSecurityPolicy;
  if (typeof csp !== "object") return options;
  return {
    ...options,
    contentSecurityPolicy: {
      ...csp,
      directives: { ...csp.directives, upgradeInsecureRequests: isUpgraded ? [] : null },
    },
  };
}

/**
 * helmet's security headers on every response, successes and errors alike. Instead of @fastify/helmet,
 * which rebuilds helmet's middleware (and re-parses the CSP) on every request — more than half the CPU
 * of a small API request — both variants (https and plain http) are computed once and one is copied
 * onto each reply. `request.protocol` honours KEYWARD_TRUST_PROXY, so a client cannot pick the variant
 * with X-Forwarded-Proto unless a trusted proxy set it.
 */
export function registerSecurityHeaders(app: FastifyInstance, options = helmetOptions): void {
  const overHttps = helmetHeaders(withUpgradeInsecureRequests(options, true));
  const overHttp = helmetHeaders(withUpgradeInsecureRequests(options, false));
  app.addHook("onRequest", (request, reply, done) => {
    reply.headers(request.protocol === "https" ? overHttps : overHttp);
    done();
  });
}
