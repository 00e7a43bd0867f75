import type { Server } from "node:http";
import pino from "pino";
import type { Config } from "./config.js";
import type { Database } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { type ChangeNotifications, changeNotificationsFor } from "./db/notifications/change-notifications.js";
import { openDatabase } from "./db/open-database.js";
import { demoCredentials, seedDemoIfEmpty } from "./demo/seed-demo.js";
import { buildApp, type Keyward } from "./http/app.js";
import { describeEmail } from "./leaks/leak-services.js";
import { Metrics } from "./ops/metrics.js";
import { listenForMetrics } from "./ops/metrics-listener.js";
import { describeStartFailure, StartFailure } from "./ops/start-failure.js";

// After the drain, what in-flight requests and the last flush may take before the process gives up.
const closeTimeoutMs = 20_000;

/**
 * Opens and migrates the database, seeds the demo on request, listens, and drains on SIGTERM. Every
 * step is one log line on stdout (JSON); a step that fails is one fatal line and exit code 1, within
 * the database connect timeout or a few seconds for listening and Redis.
 */
export async function startServer(config: Config, options: { isDemo: boolean }): Promise<void> {
  const log = pino({ level: config.logLevel });
  try {
    await start(config, options, log);
  } catch (error) {
    const { code, message } = describeStartFailure(error, config);
    log.fatal({ step: error instanceof StartFailure ? error.step : "start", code }, message);
    process.exit(1);
  }
}

async function start(config: Config, options: { isDemo: boolean }, log: pino.Logger): Promise<void> {
  const database = await step("database", () => openDatabase(config.databaseUrl, config.databasePool));
  const migration = await step("migrations", () => migrateToLatest(database, log));
  log.info(
    { database: database.location, applied: migration.applied, newer: migration.newer },
    "database reached, schema ready",
  );
  const metrics = new Metrics({ includeProcessMetrics: true });
  const notifications = changeNotificationsFor(database, metrics);
  const keyward = await buildApp({
    config,
    database,
    metrics,
    ...(notifications ? { publishChanges: notifications.publishChanges } : {}),
  });
  const { app } = keyward;
  if (notifications) {
    // Until subscribed the cache is not trusted (every key is read from the database) and /readyz is 503.
    notifications.start(app.log);
    // A silent database (a partition, a hung server) leaves the listening connection looking alive:
    // when other queries fail, stop trusting it (and the cache) rather than wait for the heartbeat.
    keyward.databaseHealth.onLost(() => notifications.abandon("the database stopped answering queries"));
    keyward.databaseHealth.onRecovered(() => notifications.reconnectNow());
  }
  if (options.isDemo) {
    const { isSeeded } = await seedDemoIfEmpty(keyward.ctx);
    if (isSeeded) app.log.info("created the Demo Marketplace");
  }
  await step("listen", () => app.listen({ port: config.port, host: config.host }));
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : await step("metrics", () => listenForMetrics(metrics, config.host, config.metricsPort ?? 0));
  shutDownOnSignals(keyward, config, database, notifications, metricsServer);
  // Started without Redis, an instance runs degraded like one that lost it (/readyz says so): API keys
  // are verified and limited per instance, sign-in is refused until Redis answers.
  if ((await keyward.guards.checkRedis()) === "unreachable") {
    app.log.warn("Redis does not answer: running degraded (sign-in refused, limits counted per instance)");
  }
  if (notifications) {
    await step("notifications", () =>
      notifications.waitUntilSubscribed(config.databasePool.connectTimeoutMs * 2),
    );
    app.log.info({ channel: database.notifications?.channel }, "subscribed to change notifications");
  }
  announce(keyward, config, database, options.isDemo, metricsServer);
  app.log.info(describeEmail(config));
}

async function step<T>(name: StartFailure["step"], run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StartFailure(name, error);
  }
}

/**
 * SIGTERM: drain, then close. /readyz answers 503 at once and every response says `Connection: close`
 * for KEYWARD_DRAIN_SECONDS while requests are still served, so the balancer moves away without a
 * request being refused; then the listener closes, in-flight requests finish, the batches are
 * flushed (the app's onClose) and the database released. SIGINT (Ctrl-C) skips the drain.
 */
function shutDownOnSignals(
  keyward: Keyward,
  config: Config,
  database: Database,
  notifications: ChangeNotifications | undefined,
  metricsServer: Server | undefined,
): void {
  const { app, lifecycle } = keyward;
  let isShuttingDown = false;
  const shutdown = async (signal: string) => {
    if (isShuttingDown) return;
    isShuttingDown = true;
    const drainMs = signal === "SIGTERM" ? config.drainMs : 0;
    lifecycle.isDraining = true;
    app.log.info({ signal, drainMs }, "draining: /readyz answers 503, requests are still served");
    setTimeout(() => {
      app.log.error({ signal }, "shutdown took too long; exiting");
      process.exit(1);
    }, drainMs + closeTimeoutMs).unref();
    await new Promise((resolve) => setTimeout(resolve, drainMs));
    app.log.info({ signal }, "no longer accepting connections: finishing in-flight requests");
    // Connections kept alive past their in-flight request would hold close() open: close each once idle.
    const closeIdle = setInterval(() => app.server.closeIdleConnections(), 50);
    closeIdle.unref();
    try {
      await app.close();
      clearInterval(closeIdle);
      metricsServer?.close();
      await notifications?.close();
      await database.close();
      app.log.info({ signal }, "stopped: in-flight requests finished, batches flushed");
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

/** The banner, as a log line (stdout carries only JSON); a person at a terminal also gets it on stderr. */
function announce(
  keyward: Keyward,
  config: Config,
  database: Database,
  isDemo: boolean,
  metricsServer: Server | undefined,
): void {
  const address = keyward.app.server.address();
  const port = address && typeof address === "object" ? address.port : config.port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = `http://${host}:${port}`;
  const metricsAddress = metricsServer?.address();
  const metricsUrl =
    metricsAddress && typeof metricsAddress === "object"
      ? `http://${host}:${metricsAddress.port}/metrics`
      : `${url}/metrics`;
  keyward.app.log.info(
    { url, database: database.location, docs: `${url}/docs`, metrics: metricsUrl, demo: isDemo },
    `Keyward is running at ${url}`,
  );
  if (!process.stderr.isTTY) return;
  const lines = [
    "",
    `  Keyward is running at ${url}`,
    `  Database: ${database.location}`,
    `  API docs: ${url}/docs`,
  ];
  if (isDemo) {
    lines.push(
      "",
      "  Sign in to the Demo Marketplace:",
      `    Administrator       ${demoCredentials.administrator.email} / ${demoCredentials.administrator.password}`,
      `    Marketplace Manager ${demoCredentials.manager.email} / ${demoCredentials.manager.password}  (no API access until an Administrator grants it)`,
    );
  }
  process.stderr.write(`${lines.join("\n")}\n\n`);
}
