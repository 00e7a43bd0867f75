import type { Config } from "./config.js";
import { openDatabase } from "./db/database.js";
import { migrateToLatest } from "./db/migrate.js";
import { demoCredentials, seedDemoIfEmpty } from "./demo/seed-demo.js";
import { buildApp } from "./http/app.js";

/** Opens and migrates the database, seeds the demo on request, listens, and shuts down gracefully. */
export async function startServer(config: Config, options: { isDemo: boolean }): Promise<void> {
  const database = await openDatabase(config.databaseUrl);
  await migrateToLatest(database);
  const keyward = await buildApp({ config, database });
  const { app } = keyward;
  if (options.isDemo) {
    const { isSeeded } = await seedDemoIfEmpty(keyward.ctx);
    if (isSeeded) app.log.info("created the Demo Marketplace");
  }
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, "shutting down: finishing in-flight requests");
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
  await app.listen({ port: config.port, host: config.host });
  const url = `http://${config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host}:${app.server.address() && typeof app.server.address() === "object" ? (app.server.address() as { port: number }).port : config.port}`;
  const lines = [
    "",
    `  Keyward is running at ${url}`,
    `  Database: ${database.location}`,
    `  API docs: ${url}/docs`,
  ];
  if (options.isDemo) {
    lines.push(
      "",
      "  Sign in to the Demo Marketplace:",
      `    Administrator       ${demoCredentials.administrator.email} / ${demoCredentials.administrator.password}`,
      `    Marketplace Manager ${demoCredentials.manager.email} / ${demoCredentials.manager.password}  (no API access until an Administrator grants it)`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n\n`);
}
