import type { Command } from "commander";
import pino from "pino";
import { type Config, ConfigError, loadConfig } from "../../config.js";
import { migrateToLatest } from "../../db/migrate.js";
import { openDatabase } from "../../db/open-database.js";
import { commandIndex } from "../command-index.js";
import { outputFor } from "../output.js";

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description(commandIndex.serve.description)
    .option("--demo", "on an empty database, create the Demo Marketplace with sign-in users")
    .action(async (options) => {
      const config = loadServeConfig();
      // Loaded only here: the other commands don't need the HTTP stack, and start twice as fast.
      const { startServer } = await import("../../server.js");
      await startServer(config, { isDemo: Boolean(options.demo) });
    });

  program
    .command("migrate")
    .description(commandIndex.migrate.description)
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const config = loadConfig();
      const database = await openDatabase(config.databaseUrl, config.databasePool);
      try {
        const result = await migrateToLatest(database);
        out.result({ ...result, database: database.location }, [
          result.applied.length ? `Applied ${result.applied.join(", ")}` : "Already up to date.",
          `Database: ${database.location}`,
        ]);
      } finally {
        await database.close();
      }
    });
}

/** A server's configuration, or one fatal JSON log line naming the variables and exit code 1. */
function loadServeConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    pino().fatal({ step: "configuration" }, error.message);
    process.exit(1);
  }
}
