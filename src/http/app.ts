import cookie from "@fastify/cookie";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { DestinationStream } from "pino";
import { type AbuseGuards, createAbuseGuards } from "../abuse/create-abuse-guards.js";
import { MemoryCounterStore } from "../abuse/memory-counter-store.js";
import type { Config } from "../config.js";
import type { Context } from "../context.js";
import type { Database } from "../db/database.js";
import type { ChangeRelay } from "../db/notifications/listener.js";
import { postgresWindowLeases } from "../db/postgres-window-leases.js";
import { KeyRateLimiter } from "../keys/rate-limit/key-rate-limiter.js";
import type { WindowLeases } from "../keys/rate-limit/window-leases.js";
import { KeyCache, type VerificationCacheControl } from "../keys/verification/key-cache.js";
import { knownKeyHashesOf } from "../keys/verification/known-key-hashes.js";
import { readKeyByHash } from "../keys/verification/read-key.js";
import { UsageRecorder } from "../keys/verification/usage-recorder.js";
import {
  localVerificationChanges,
  type VerificationChanges,
} from "../keys/verification/verification-changes.js";
import { KeyVerifier } from "../keys/verification/verify-key.js";
import { consoleLeakRoutes } from "../leaks/http/console-leak-routes.js";
import { leakedKeysRoutes, registerSecretScanningRoute } from "../leaks/http/leak-routes.js";
import { createLeakServices, type LeakServices } from "../leaks/leak-services.js";
import { marketplaceRoutes } from "../marketplace/http/marketplace-routes.js";
import { applySectionCatalogue } from "../marketplace/sections.js";
import { registerAccessLog } from "../ops/access-log.js";
import { readBuildInfo } from "../ops/build-info.js";
import { DatabaseHealth } from "../ops/database-health.js";
import { Lifecycle } from "../ops/lifecycle.js";
import { Metrics } from "../ops/metrics.js";
import { registerReadiness } from "../ops/readiness.js";
import { registerMetrics } from "../ops/register-metrics.js";
import { ServiceTokenAuthenticator } from "../service/authenticate-service-token.js";
import { ChangeStream } from "../service/change-stream.js";
import { registerServiceApi } from "../service/http/service-routes.js";
import { serviceTokenRoutes } from "../service/http/service-token-routes.js";
import { UsageCounter } from "../usage/usage-counter.js";
import { registerApiKeyAuth } from "./api-key-auth.js";
import { accountRoutes } from "./console/account-routes.js";
import { auditRoutes } from "./console/audit-routes.js";
import { catalogueRoutes } from "./console/catalogue-routes.js";
import { inboxRoutes } from "./console/inbox-routes.js";
import { keyRoutes } from "./console/key-routes.js";
import { profileRoutes } from "./console/profile-routes.js";
import { sessionRoutes } from "./console/session-routes.js";
import { usageRoutes } from "./console/usage-routes.js";
import { userRoutes } from "./console/user-routes.js";
import { webhookRoutes } from "./console/webhook-routes.js";
import { registerConsoleAssets } from "./console-assets.js";
import { handleClientError, installErrorHandler, sendError, toAppError } from "./error-handler.js";
import { registerMarketplaceConventions } from "./marketplace-conventions.js";
import { registerNotFound } from "./not-found.js";
import { registerOpenApi } from "./openapi/openapi.js";
import { redactKeys } from "./redact.js";
import { requestIdFor } from "./request-id.js";
import { registerRoutes } from "./routes/define-route.js";
import type { RouteDeps } from "./routes/route-deps.js";
import { registerSecurityHeaders } from "./security-headers.js";
import { registerSessionAuth } from "./session-auth.js";
import "./request-context.js";

export interface BuildAppOptions {
  config: Config;
  database: Database;
  /** Where logs go (tests capture them to prove no secret is written); stdout by default. */
  logStream?: DestinationStream;
  /** How verification changes reach other instances; this instance's cache is always invalidated. */
  publishChanges?: (
    local: VerificationChanges,
    cache: VerificationCacheControl,
    relay?: ChangeRelay,
  ) => VerificationChanges;
  /** The change stream's heartbeat (ms); 15 s by default (tests shorten it). */
  changeStreamHeartbeatMs?: number;
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
  /** This instance's verification cache (tests and /readyz read whether it is trusted). */
  cache: KeyCache;
  usage: UsageRecorder;
  /** Per-request usage counts, written in batches (tests flush it to read what was counted). */
  usageCounter: UsageCounter;
  /** Draining on SIGTERM: /readyz 503, `Connection: close` on every response (src/ops/lifecycle.ts). */
  lifecycle: Lifecycle;
  /** Whether the database answers; its recovery resubscribes notifications at once. */
  databaseHealth: DatabaseHealth;
  metrics: Metrics;
  guards: AbuseGuards;
  /** Canary alerts, the outbox worker (webhooks, email, inbox) and GitHub's secret-scanning keys. */
  leaks: LeakServices;
  /** The change stream's subscribers (verifiers in the operator's own services). */
  changeStream: ChangeStream;
}

/**
 * Where instances lease per-key rate-limit budgets: Redis when configured (this instance's memory
 * while Redis is unreachable), else PostgreSQL when several instances share it, else memory.
 */
function rateLimitLeases(config: Config, database: Database, guards: AbuseGuards): WindowLeases {
  if (config.redisUrl) return guards.keyFailureStore;
  if (database.dialect === "postgres") return postgresWindowLeases(database.db);
  return new MemoryCounterStore();
}

/** Fastify's `trustProxy`: a hop count becomes "trust the nearest N hops" (its typings omit numbers). */
function trustProxyOption(trust: Config["trustProxy"]) {
  if (typeof trust !== "number") return trust;
  return (_address: string, hop: number) => hop < trust;
}

/** Builds the Fastify app with both APIs, docs and the console; the caller listens and closes. */
export async function buildApp(options: BuildAppOptions): Promise<Keyward> {
  const { config, database } = options;
  applySectionCatalogue(config.sections);
  const { connections } = config;
  const app = Fastify({
    trustProxy: trustProxyOption(config.trustProxy),
    bodyLimit: config.bodyLimitBytes,
    // Slow or half-sent requests can't hold sockets (and file descriptors) for long.
    // Node enforces both only when it checks its connections: every 30 s unless told, which let a
    // half-sent request outlive a 10 s headers timeout by up to 30 s. Checked every second instead.
    http: {
      headersTimeout: connections.headersTimeoutMs,
      requestTimeout: connections.requestTimeoutMs,
      connectionsCheckingInterval: 1_000,
    },
    requestTimeout: connections.requestTimeoutMs,
    keepAliveTimeout: connections.keepAliveTimeoutMs,
    connectionTimeout: connections.idleSocketTimeoutMs,
    requestIdHeader: false,
    // A request arriving while closing is served (with `Connection: close`), not refused with a 503:
    // the balancer may already have sent it, and a write it can't retry must not fail.
    return503OnClosing: false,
    // One access-log line per request, written by src/ops/access-log.ts.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (request) => requestIdFor(config.acceptRequestId ? request.headers["x-request-id"] : undefined),
    clientErrorHandler: handleClientError,
    // Malformed URLs and over-long path parameters get the same error shape as everything else.
    frameworkErrors: (error, request, reply) => sendError(request, reply, toAppError(error)),
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
        // A key pasted into a query string or path must not reach the log either, in any encoding.
        req: (req: { method: string; url: string; ip?: string }) => ({
          method: req.method,
          url: redactKeys(req.url),
          ip: req.ip,
        }),
      },
    },
  });
  app.server.maxConnections = connections.max;
  // Every response names its request, so a client can quote it (errors carry it in the body too).
  app.addHook("onRequest", (request, reply, done) => {
    reply.header("request-id", request.id);
    done();
  });
  const lifecycle = new Lifecycle();
  lifecycle.register(app);
  registerAccessLog(app, config.accessLogLevel);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  // JSON only: text/plain is what a cross-site form can post without a CORS preflight.
  app.removeContentTypeParser("text/plain");
  const routes: RouteInfo[] = [];
  app.addHook("onRoute", (route) => {
    const auth = route.config?.auth;
    if (auth === undefined) return;
    for (const method of [route.method].flat()) {
      if (method === "HEAD") continue;
      const permission = auth.kind === "key" ? auth.permission : undefined;
      routes.push({ method, url: route.url, permission, isPublic: auth.kind === "public" });
    }
  });

  const cache = new KeyCache({ maxEntries: config.keyCacheSize, maxAgeMs: config.keyCacheMaxAgeMs });
  const metrics = options.metrics ?? new Metrics();
  metrics.publishBuildInfo(readBuildInfo(config.buildCommit));
  const databaseHealth = new DatabaseHealth(database, app.log);
  metrics.watchDatabase(database, databaseHealth);
  // A failed flush keeps its batch for the next one; during an outage that is one line per flush, no stack.
  const flushFailed = (batch: "last_used" | "usage") => (error: unknown) => {
    metrics.countFlushFailure(batch);
    app.log.warn(
      { batch, reason: error instanceof Error ? error.message : String(error) },
      "batch flush failed",
    );
  };
  const usage = new UsageRecorder({
    db: database.db,
    dialect: database.dialect,
    flushEveryMs: config.usageFlushMs,
    onError: flushFailed("last_used"),
  });
  const local = localVerificationChanges(cache);
  const changeStream = new ChangeStream({
    hasExternalWrites: database.hasExternalWrites,
    onExternalWrites: () => cache.clear(),
    ...(options.changeStreamHeartbeatMs ? { heartbeatMs: options.changeStreamHeartbeatMs } : {}),
  });
  const serviceTokens = new ServiceTokenAuthenticator({ db: database.db });
  const changes = changeStream.wrap(
    options.publishChanges ? options.publishChanges(local, cache, changeStream.relay) : local,
  );
  const ctx: Context = { db: database.db, changes };
  const guards = createAbuseGuards(config, { log: app.log, registry: metrics.registry });
  const usageCounter = new UsageCounter({
    db: database.db,
    dialect: database.dialect,
    flushEveryMs: config.usageFlushMs,
    onError: flushFailed("usage"),
  });
  const leaks = createLeakServices(config, database.db, app.log);
  const verifier = new KeyVerifier({
    onCanaryUsed: (canary, use) => leaks.canaryAlerts.noteUse(canary, use),
    reader: readKeyByHash(database.findKeyByHash),
    cache,
    usage,
    rateLimiter: new KeyRateLimiter(rateLimitLeases(config, database, guards)),
    failures: guards.keyFailures,
    knownKeyHashes: knownKeyHashesOf(database.db),
    hasExternalWrites: database.hasExternalWrites,
    ...(options.usageIntervalMs === undefined ? {} : { usageIntervalMs: options.usageIntervalMs }),
  });
  registerMetrics(app, metrics, verifier, cache, { isServedHere: config.metricsPort === undefined });
  app.addHook("onClose", async () => guards.close());
  usage.start();
  usageCounter.start();
  app.addHook("onClose", async () => usageCounter.stop());
  // The known-keys filter is built in the background; until then a flooded address reads the database.
  app.addHook("onReady", async () => {
    void verifier
      .rebuildKnownKeys()
      .catch((error: unknown) => app.log.warn({ err: error }, "could not load key hashes"));
  });
  app.addHook("onClose", async () => usage.stop());
  app.addHook("onReady", async () => leaks.worker.start());
  app.addHook("onClose", async () => {
    await leaks.canaryAlerts.settle();
    await leaks.worker.stop();
    leaks.mailer?.close();
  });

  await app.register(cookie);
  registerSecurityHeaders(app);
  await registerOpenApi(app);

  const deps: RouteDeps = { ctx, config, guards };
  const leakDeps = {
    ctx,
    publicKeys: leaks.publicKeys,
    counters: guards.keyFailureStore,
    reportsPerMinute: config.leaks.reportsPerMinute,
    onBackgroundError: (error: unknown) => app.log.error({ err: error }, "could not handle a reported key"),
  };
  await registerSecretScanningRoute(app, leakDeps);
  await app.register(async (scope) => registerRoutes(scope, leakedKeysRoutes(leakDeps)), {
    prefix: "/api/v1",
  });
  await app.register(
    async (scope) => {
      registerApiKeyAuth(scope, verifier, usageCounter);
      await registerMarketplaceConventions(scope, { config, db: database.db });
      registerRoutes(scope, marketplaceRoutes(deps));
    },
    { prefix: "/api/v1" },
  );
  await app.register(
    async (scope) => {
      registerSessionAuth(scope, { db: database.db, config });
      registerRoutes(scope, [
        ...sessionRoutes(deps),
        ...profileRoutes(deps),
        ...catalogueRoutes(),
        ...keyRoutes(deps),
        ...accountRoutes(deps),
        ...usageRoutes(deps),
        ...userRoutes(deps),
        ...auditRoutes(deps),
        ...webhookRoutes(deps),
        ...inboxRoutes(deps),
        ...consoleLeakRoutes(deps),
        ...serviceTokenRoutes(ctx, { authenticator: serviceTokens, stream: changeStream }),
      ]);
    },
    { prefix: "/console/api" },
  );
  await app.register(
    async (scope) =>
      registerServiceApi(scope, { verifier, authenticator: serviceTokens, stream: changeStream }),
    { prefix: "/service/v1" },
  );
  // Open change streams would hold close() open: end them first (verifiers fall back and reconnect).
  app.addHook("preClose", async () => changeStream.close());

  app.get("/healthz", { schema: { hide: true } }, async () => ({ status: "ok" }));
  registerReadiness(app, { database, cache, guards, lifecycle });
  const hasConsole = await registerConsoleAssets(app, config);
  registerNotFound(app, { config, routes, hasConsole, onNotFound: () => metrics.countNotFound() });
  return {
    app,
    routes,
    ctx,
    verifier,
    cache,
    usage,
    usageCounter,
    lifecycle,
    databaseHealth,
    metrics,
    guards,
    leaks,
    changeStream,
  };
}
