import cookie from "@fastify/cookie";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { DestinationStream } from "pino";
import { createAbuseGuards } from "../abuse/create-abuse-guards.js";
import type { Config } from "../config.js";
import type { Context } from "../context.js";
import type { Database } from "../db/database.js";
import { AppError } from "../errors.js";
import { KeyCache } from "../keys/key-cache.js";
import { UsageRecorder } from "../keys/usage-recorder.js";
import { localVerificationChanges, type VerificationChanges } from "../keys/verification-changes.js";
import { KeyVerifier } from "../keys/verify-key.js";
import { marketplaceRoutes } from "../marketplace/routes.js";
import { Metrics } from "../ops/metrics.js";
import { registerMetrics } from "../ops/register-metrics.js";
import { registerApiKeyAuth } from "./api-key-auth.js";
import { auditRoutes } from "./console/audit-routes.js";
import { keyRoutes } from "./console/key-routes.js";
import { sessionRoutes } from "./console/session-routes.js";
import { userRoutes } from "./console/user-routes.js";
import { registerConsoleAssets } from "./console-assets.js";
import { installErrorHandler, sendError } from "./error-handler.js";
import { keyInfoRoute } from "./key-info-route.js";
import { registerSecurityHeaders } from "./security-headers.js";
import { registerSessionAuth } from "./session-auth.js";
import "./request-context.js";

export interface BuildAppOptions {
  config: Config;
  database: Database;
  /** Where logs go (tests capture them to prove no secret is written); stdout by default. */
  logStream?: DestinationStream;
  /** How verification changes reach other instances; this instance's cache is always invalidated. */
  publishChanges?: (local: VerificationChanges, cache: KeyCache) => VerificationChanges;
  /** Queue a key's last-used time at most this often (ms); about a minute by default. */
  usageIntervalMs?: number;
  /** Served at /metrics; the server passes one that also receives notification figures. */
  metrics?: Metrics;
}

/** A registered route, as the isolation and fuzz suites enumerate them. */
export interface RouteInfo {
  method: string;
  url: string;
  permission?: { section: string; access: string } | undefined;
  isPublic: boolean;
}

export interface Keyward {
  app: FastifyInstance;
  /** Every route of both APIs (not docs or assets), recorded as Fastify registers them. */
  routes: RouteInfo[];
  ctx: Context;
  verifier: KeyVerifier;
  usage: UsageRecorder;
}

// Broader than keyPattern on purpose: anything that starts like a key is hidden, even glued to more text.
const keyInText = /mpk_[0-9A-Za-z]+/g;

/** Builds the Fastify app with both APIs, docs and the console; the caller listens and closes. */
export async function buildApp(options: BuildAppOptions): Promise<Keyward> {
  const { config, database } = options;
  const app = Fastify({
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: false,
    // Malformed URLs and over-long path parameters get the same error shape as everything else.
    frameworkErrors: (error, request, reply) =>
      sendError(
        request,
        reply,
        new AppError(
          "invalid_request",
          error.code === "FST_ERR_MAX_PARAM_LENGTH"
            ? "path: a path parameter is too long."
            : "path: is not a valid URL.",
          { fields: ["path"] },
        ),
      ),
    logger: {
      level: config.logLevel,
      ...(options.logStream ? { stream: options.logStream } : {}),
      redact: {
        paths: [
          "req.headers.authorization",
          'req.headers["x-api-key"]',
          "req.headers.cookie",
          "res.headers['set-cookie']",
        ],
        censor: "[redacted]",
      },
      serializers: {
        // A key pasted into a query string must not reach the log either.
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: req.url.replace(keyInText, "mpk_[redacted]"),
          ip: req.ip,
        }),
      },
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  // JSON only: text/plain is what a cross-site form can post without a CORS preflight.
  app.removeContentTypeParser("text/plain");
  const routes: RouteInfo[] = [];
  app.addHook("onRoute", (route) => {
    if (!route.url.startsWith("/api/") && !route.url.startsWith("/console/api/")) return;
    for (const method of [route.method].flat()) {
      if (method === "HEAD") continue;
      routes.push({
        method,
        url: route.url,
        permission: route.config?.permission,
        isPublic: route.config?.isPublic === true,
      });
    }
  });

  const cache = new KeyCache({ maxEntries: config.keyCacheSize, maxAgeMs: config.keyCacheMaxAgeMs });
  const usage = new UsageRecorder({
    db: database.db,
    flushEveryMs: config.usageFlushMs,
    onError: (error) => app.log.error({ err: error }, "could not record key usage"),
  });
  const local = localVerificationChanges(cache);
  const changes = options.publishChanges ? options.publishChanges(local, cache) : local;
  const ctx: Context = { db: database.db, changes };
  const verifier = new KeyVerifier({
    db: database.db,
    cache,
    usage,
    hasExternalWrites: database.hasExternalWrites,
    ...(options.usageIntervalMs === undefined ? {} : { usageIntervalMs: options.usageIntervalMs }),
  });
  registerMetrics(app, options.metrics ?? new Metrics(), verifier);
  const guards = createAbuseGuards(config);
  app.addHook("onClose", async () => guards.store.close());
  usage.start();
  app.addHook("onClose", async () => usage.stop());

  await app.register(cookie);
  registerSecurityHeaders(app);
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Keyward",
        version: "1.0.0",
        description:
          "The marketplace API (authenticate with an API key: `Authorization: Bearer mpk_…`) and the console API (session cookie + X-CSRF-Token).",
      },
      components: {
        securitySchemes: {
          apiKey: { type: "http", scheme: "bearer", description: "An API key from Account > API Keys" },
          session: { type: "apiKey", in: "cookie", name: "keyward_session" },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: true });

  const deps = { ctx, config, guards };
  await app.register(
    async (scope) => {
      registerApiKeyAuth(scope, verifier, guards.keyFailures);
      await scope.register(keyInfoRoute);
      await scope.register(marketplaceRoutes, { database });
    },
    { prefix: "/api/v1" },
  );
  await app.register(
    async (scope) => {
      registerSessionAuth(scope, { db: database.db, config });
      await scope.register(sessionRoutes, deps);
      await scope.register(keyRoutes, deps);
      await scope.register(userRoutes, deps);
      await scope.register(auditRoutes, deps);
    },
    { prefix: "/console/api" },
  );

  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { hide: true } }, async (_request, reply) => {
    try {
      await database.db.selectFrom("accounts").select("id").limit(1).execute();
    } catch {
      return reply.status(503).send({ status: "unavailable", database: database.dialect });
    }
    // An untrusted cache means notifications are not subscribed: still correct, but not ready.
    if (!cache.isTrusted) {
      return reply
        .status(503)
        .send({ status: "unavailable", database: database.dialect, notifications: false });
    }
    return { status: "ready", database: database.dialect, cacheTrusted: cache.isTrusted };
  });
  await registerConsoleAssets(app, config);
  return { app, routes, ctx, verifier, usage };
}
