import type { Command } from "commander";

type Register = (program: Command) => void;

interface IndexedCommand {
  /** The line `keyward --help` shows, read without loading the command's module. */
  description: string;
  /** Loads the module that defines the command (and its siblings in the same file). */
  load: () => Promise<Register>;
}

const serve = () => import("./commands/serve.js").then((module) => module.registerServeCommands);

/**
 * Every top-level command. `keyward` loads only the module of the command it runs, so `--help` and
 * `keys list` don't load the server, the webhook sender or the password-strength dictionary.
 */
export const commandIndex = {
  serve: {
    description: "Migrate the database and serve the APIs and the console (PORT, default 3000)",
    load: serve,
  },
  migrate: { description: "Bring the database schema up to date", load: serve },
  accounts: {
    description: "Marketplace accounts",
    load: () => import("./commands/accounts.js").then((module) => module.registerAccountCommands),
  },
  users: {
    description: "Users of an account",
    load: () => import("./commands/users.js").then((module) => module.registerUserCommands),
  },
  keys: {
    description: "API keys",
    load: () => import("./commands/keys.js").then((module) => module.registerKeyCommands),
  },
  audit: {
    description:
      "An account's audit trail, newest first; `audit verify` and `audit export` check its hash chain",
    load: () => import("./commands/audit.js").then((module) => module.registerAuditCommand),
  },
  backup: {
    description: "Copy the live SQLite database to FILE (safe while serving); PostgreSQL: use pg_dump",
    load: () => import("./commands/backup.js").then((module) => module.registerBackupCommand),
  },
  webhooks: {
    description: "Webhook endpoints (Standard Webhooks)",
    load: () => import("./commands/webhooks.js").then((module) => module.registerWebhookCommands),
  },
  "service-tokens": {
    description: "Service tokens (kws_…) your own backends verify API keys with",
    load: () => import("./commands/service-tokens.js").then((module) => module.registerServiceTokenCommands),
  },
  gateway: {
    description: "Run a reverse proxy that verifies every request's API key before it reaches your upstream",
    load: () => import("./commands/gateway.js").then((module) => module.registerGatewayCommand),
  },
} satisfies Record<string, IndexedCommand>;

export type CommandName = keyof typeof commandIndex;

function isCommandName(word: string | undefined): word is CommandName {
  return word !== undefined && Object.hasOwn(commandIndex, word);
}

/** The top-level command argv runs (`keyward keys list`, `keyward help keys`), if it names one. */
export function invokedCommand(argv: readonly string[]): CommandName | undefined {
  const words = argv.slice(2).filter((word) => !word.startsWith("-"));
  const first = words[0] === "help" ? words[1] : words[0];
  return isCommandName(first) ? first : undefined;
}

/**
 * Defines what argv needs: the one command it runs, fully; otherwise (`--help`, no command, an unknown
 * one) every command by name and description only, which is all help and "unknown command" print.
 */
export async function registerCommandsFor(program: Command, argv: readonly string[]): Promise<void> {
  const invoked = invokedCommand(argv);
  if (invoked) {
    (await commandIndex[invoked].load())(program);
    return;
  }
  for (const [name, { description }] of Object.entries(commandIndex)) {
    program.command(name).description(description);
  }
}
