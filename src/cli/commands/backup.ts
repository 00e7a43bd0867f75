import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { loadConfig } from "../../config.js";
import { openDatabase } from "../../db/open-database.js";
import { invalidField } from "../../errors.js";
import { replayRevocations } from "../../ops/replay-revocations.js";
import { commandIndex } from "../command-index.js";
import { operatorFor, withContext } from "../open.js";
import { outputFor } from "../output.js";

/** `keyward backup --to FILE`: a consistent copy of a live SQLite database (PostgreSQL: pg_dump). */
export function registerBackupCommand(program: Command): void {
  program
    .command("backup")
    .description(commandIndex.backup.description)
    .requiredOption("--to <file>", "the backup file to write (must not exist)")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const config = loadConfig();
      const to = String(options.to);
      if (/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
        throw invalidField(
          "KEYWARD_DATABASE",
          `is PostgreSQL: back it up with pg_dump, e.g. pg_dump --format=custom --file ${to} "$KEYWARD_DATABASE" (add --schema NAME when the URL has ?schema=NAME; docs/operations.md, "Backups").`,
        );
      }
      // Opening a missing file would create an empty database and back that up.
      if (!existsSync(config.databaseUrl)) {
        throw invalidField("KEYWARD_DATABASE", `${config.databaseUrl} does not exist; nothing to back up.`);
      }
      if (existsSync(to)) throw invalidField("--to", `${to} already exists; choose a new file.`);
      const database = await openDatabase(config.databaseUrl);
      try {
        // SQLite's online backup API: a consistent snapshot, WAL included, while others keep writing.
        await database.backupTo?.(to);
      } finally {
        await database.close();
      }
      out.result({ database: database.location, to }, [`Backed up ${database.location} to ${to}`]);
    });
}

/** `keyward audit replay-revocations --from export.jsonl`: after a restore, revoke again what was revoked. */
export function registerReplayRevocations(audit: Command): void {
  audit
    .command("replay-revocations")
    .description("After restoring a backup: revoke every key an audit export says was revoked since")
    .requiredOption("--from <file>", "a file written by `keyward audit export --format jsonl`")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const from = String(options.from);
      const exportText = await readFile(from, "utf8").catch((error: NodeJS.ErrnoException) => {
        throw invalidField("--from", `can't read ${from} (${error.code ?? error.message}).`);
      });
      const result = await withContext((ctx) =>
        replayRevocations(ctx, { exportText, source: from, operatorFor }),
      );
      out.result(result, [
        `Revocations in ${from}: ${result.found}. Revoked again: ${result.revoked.length}; already revoked: ${result.alreadyRevoked}; not in this database: ${result.notFound}.`,
      ]);
    });
}
