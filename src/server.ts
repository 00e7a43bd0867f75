import type { FastifyInstance } from "fastify";
import type { Config } from "./config.js";
import { type Database, openDatabase } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { ChangeNotifications } from "./db/notifications.js";
import { demoCredentials, seedDemoIfEmpty } from "./demo/seed-demo.js";
import { buildApp } from "./http/app.js";
import { Metrics } from "./ops/metrics.js";

// Under the usual 30 s an orchestrator waits after SIGTERM before it sends SIGKILL.
const shutdownTimeoutMs = 25_000;

/** Opens and migrates the database, seeds the demo on request, listens, and shuts down gracefully. */
export async function startServer(config: Config, options: { isDemo: boolean }): Promise<void> {
  const database = await openDatabase(config.databaseUrl);
  await migrateToLatest(database);
  const metrics = new Metrics({ includeProcessMetrics: true });
  const notifications = database.notifications ? new ChangeNotifications({ database, metrics }) : undefined;
  const keyward = await buildApp({
    config,
    database,
    metrics,
    ...(notifications ? { publishChanges: notifications.publishChanges } : {}),
  });
  const { app } = keyward;
  // Until subscribed the cache is not trusted (every key is read from the database) and /readyz is 503.
  notifications?.start(app.log);
  if (options.isDemo) {
    const { isSeeded } = await seedDemoIfEmpty(keyward.ctx);
    if (isSeeded) app.log.info("created the Demo Marketplace");
  }
  shutDownOnSignals(app, database, notifications);
  await app.listen({ port: config.port, host: config.host });
  printBanner(app, config, database, options.isDemo);
}

/**
 * SIGTERM/SIGINT: stop accepting connections, let in-flight requests finish (Fastify answers requests
 * arriving on kept-alive connections with 503 meanwhile), flush the last-used batch (the app's onClose),
 * then release the database. A shutdown that hangs is cut short rather than waiting for SIGKILL.
 */
function shutDownOnSignals(
  app: FastifyInstance,
  database: Database,
  notifications: ChangeNotifications | undefined,
): void {
  let isShuttingDown = false;
  const shutdown = async (signal: string) => {
    if (isShuttingDown) return;
    isShuttingDown = true;
    app.log.info({ signal }, "shutting down: finishing in-flight requests");
    setTimeout(() => {
      app.log.error({ signal }, "shutdown took too long; exiting");
      process.exit(1);
    }, shutdownTimeoutMs).unref();
    // Connections kept alive past their in-flight request would hold close() open until the
    // keep-alive timeout (72 s): close each as soon as it is idle.
    const closeIdle = setInterval(() => app.server.closeIdleConnections(), 50);
    closeIdle.unref();
    try {
      await app.close();
      clearInterval(closeIdle);
      await notifications?.close();
      await database.close();
      process.exit(0);
    } catch (error) {
      app.log.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

function printBanner(app: FastifyInstance, config: Config, database: Database, isDemo: boolean): void {
  const address = app.server.address();
  const port = address && typeof address === "object" ? address.port : config.port;
  const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
  const url = `http://${host}:${port}`;
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
  process.stdout.write(`${lines.join("\n")}\n\n`);
}
