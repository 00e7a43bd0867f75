import type { Command } from "commander";
import { loadConfig } from "../../config.js";
import { openDatabase } from "../../db/database.js";
import { migrateToLatest } from "../../db/migrate.js";
import { createOutput } from "../output.js";

export function registerServeCommands(program: Command): void {
  program
    .command("serve")
    .description("Migrate the database and serve the APIs and the console (PORT, default 3000)")
    .option("--demo", "on an empty database, create the Demo Marketplace with sign-in users")
    .action(async (options) => {
      const config = loadConfig();
      // Loaded only here: the other commands don't need the HTTP stack, and start twice as fast.
      const { startServer } = await import("../../server.js");
      await startServer(config, { isDemo: Boolean(options.demo) });
    });

  program
    .command("migrate")
    .description("Bring the database schema up to date")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = createOutput(Boolean(options.json), (text) => process.stdout.write(text));
      const config = loadConfig();
      const database = await openDatabase(config.databaseUrl);
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
