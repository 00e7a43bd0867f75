import { Command, CommanderError } from "commander";
import { ConfigError } from "../config.js";
import { AppError } from "../errors.js";
import { registerAccountCommands } from "./commands/accounts.js";
import { registerAuditCommand } from "./commands/audit.js";
import { registerKeyCommands } from "./commands/keys.js";
import { registerServeCommands } from "./commands/serve.js";
import { registerUserCommands } from "./commands/users.js";

/** Runs the `keyward` CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("keyward")
    .description(
      "Keyward: self-serve API keys for your marketplace. Database: KEYWARD_DATABASE (default ./data/keyward.db).",
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerServeCommands(program);
  registerAccountCommands(program);
  registerUserCommands(program);
  registerKeyCommands(program);
  registerAuditCommand(program);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    return reportFailure(error, argv.includes("--json"));
  }
}

function reportFailure(error: unknown, isJson: boolean): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return 0;
    return 2;
  }
  const known = error instanceof AppError || error instanceof ConfigError;
  const message = known
    ? (error as Error).message
    : `unexpected failure: ${(error as Error)?.message ?? error}`;
  const code = error instanceof AppError ? error.code : known ? "invalid_configuration" : "internal_error";
  if (isJson) process.stdout.write(`${JSON.stringify({ error: { code, message } })}\n`);
  process.stderr.write(`keyward: ${message.replaceAll("\n", " ")}\n`);
  return 1;
}
