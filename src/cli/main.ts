import { Command, CommanderError } from "commander";
import { AppError } from "../errors.js";
import { registerCommandsFor } from "./command-index.js";
import { CommandFailure } from "./output.js";

/** Runs the `keyward` CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("keyward")
    .description(
      "Keyward: self-serve API keys for your marketplace. Database: KEYWARD_DATABASE (default ./data/keyward.db).",
    )
    .showHelpAfterError("(run with --help for usage)")
    .enablePositionalOptions()
    .exitOverride();
  try {
    await registerCommandsFor(program, argv);
    for (const command of program.commands) command.exitOverride();
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return await reportFailure(error, argv.includes("--json"));
  }
}

async function reportFailure(error: unknown, isJson: boolean): Promise<number> {
  if (error instanceof CommandFailure) {
    process.stderr.write(`keyward: ${error.message.replaceAll("\n", " ")}\n`);
    return 1;
  }
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0;
    return 2;
  }
  // Loaded on failure only: the config and migration modules are heavy for commands that never use them.
  const [{ ConfigError }, { SchemaIncompatibleError }] = await Promise.all([
    import("../config.js"),
    import("../db/migrate.js"),
  ]);
  const known =
    error instanceof AppError || error instanceof ConfigError || error instanceof SchemaIncompatibleError;
  const message = known
    ? (error as Error).message
    : `unexpected failure: ${(error as Error)?.message ?? error}`;
  const code = error instanceof AppError ? error.code : known ? "invalid_configuration" : "internal_error";
  if (isJson) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  process.stderr.write(`keyward: ${message.replaceAll("\n", " ")}\n`);
  return 1;
}
