import { once } from "node:events";
import { open } from "node:fs/promises";
import type { Command } from "commander";
import type { ExportedAuditEvent } from "../../audit/audit-chain.js";
import { listAuditEvents } from "../../audit/list-audit-events.js";
import { readAuditChain } from "../../audit/read-audit-chain.js";
import { type AuditChainHead, verifyAuditChain } from "../../audit/verify-audit-chain.js";
import { AppError, invalidField } from "../../errors.js";
import { commandIndex } from "../command-index.js";
import { operatorFor, resolveAccount, withContext } from "../open.js";
import { CommandFailure, outputFor } from "../output.js";
import { registerReplayRevocations } from "./backup.js";

export function registerAuditCommand(program: Command): void {
  const audit = program
    .command("audit")
    .description(commandIndex.audit.description)
    // Subcommands take their own --account and --json, so this command's options end where they begin.
    .enablePositionalOptions()
    .option("--account <idOrName>", "the account (required)")
    .option("--action <action>", "only this action, e.g. api_key.revoked")
    .option("--limit <n>", "how many events (1-1000)", "50")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      if (!options.account) throw invalidField("--account", "name the account, by its id or its exact name.");
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        throw new AppError("invalid_request", "--limit: must be a whole number from 1 to 1000.");
      }
      const result = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return listAuditEvents(ctx.db, { actor: operatorFor(account.id), action: options.action, limit });
      });
      out.result(
        { items: result.items },
        result.items.map(
          (e) => `${e.createdAt}  ${e.actor.label}  ${e.action}  ${e.target.type}:${e.target.id}`,
        ),
      );
    });
  registerVerify(audit);
  registerExport(audit);
  registerReplayRevocations(audit);
}

function registerVerify(audit: Command): void {
  audit
    .command("verify")
    .description("Re-compute the account's hash chain; exit 1 naming the first broken event")
    .requiredOption("--account <idOrName>", "the account")
    .option("--head <seq:hash>", "a head recorded earlier (verify or export): fail if the chain lost it")
    .option("--json", "print one JSON object")
    .action(async (options) => {
      const out = outputFor(options);
      const expectedHead = options.head === undefined ? undefined : parseHead(String(options.head));
      const { account, result } = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        return { account, result: await verifyAuditChain(ctx.db, { accountId: account.id, expectedHead }) };
      });
      const subject = `the audit trail of ${account.name} (${account.id})`;
      if (!result.isIntact) {
        const { id, seq, reason } = result.broken;
        const where = id === null ? `at seq ${seq}` : `at event ${id} (seq ${seq})`;
        if (out.isJson) out.result({ account: { id: account.id, name: account.name }, ...result }, []);
        throw new CommandFailure(`${subject} is broken ${where}: ${reason}.`);
      }
      const head = result.head ? `head ${result.head.seq}:${result.head.hash}` : "no head yet";
      out.result({ account: { id: account.id, name: account.name }, ...result }, [
        `Intact: ${subject}, ${result.events} events, ${head}`,
      ]);
    });
}

function registerExport(audit: Command): void {
  audit
    .command("export")
    .description("Write the account's events with their hashes, one JSON object per line, in chain order")
    .requiredOption("--account <idOrName>", "the account")
    .requiredOption("--format <format>", "jsonl (the only format)")
    .option("--to <file>", "write to this file (default: standard output)")
    .option("--json", "with --to: print a one-object summary")
    .action(async (options) => {
      if (options.format !== "jsonl") throw invalidField("--format", "the only format is jsonl.");
      if (options.json && !options.to) {
        throw invalidField("--json", "needs --to FILE: without it, standard output is the export itself.");
      }
      const out = outputFor(options);
      const summary = await withContext(async (ctx) => {
        const account = await resolveAccount(ctx, options.account);
        const sink = options.to ? await openExportFile(String(options.to)) : standardOutput();
        try {
          const written = await writeChain(readAuditChain(ctx.db, account.id), sink.write);
          return { account: { id: account.id, name: account.name }, ...written, to: options.to ?? null };
        } finally {
          await sink.close();
        }
      });
      if (!options.to) return;
      const head = summary.head ? `head ${summary.head.seq}:${summary.head.hash}` : "no head yet";
      out.result(summary, [
        `Wrote ${summary.events} events of ${summary.account.name} to ${options.to}, ${head}`,
      ]);
    });
}

interface ExportSink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

async function openExportFile(path: string): Promise<ExportSink> {
  // Not secret, but personal data (emails, IP addresses): readable by its owner only.
  const file = await open(path, "w", 0o600).catch((error: NodeJS.ErrnoException) => {
    throw invalidField("--to", `can't write ${path} (${error.code ?? error.message}).`);
  });
  return { write: async (text) => void (await file.write(text)), close: () => file.close() };
}

function standardOutput(): ExportSink {
  return {
    write: async (text) => {
      if (!process.stdout.write(text)) await once(process.stdout, "drain");
    },
    close: async () => {},
  };
}

/** Writes the events as JSON lines, a batch at a time; answers how many and the last place in the chain. */
async function writeChain(events: AsyncIterable<ExportedAuditEvent>, write: (text: string) => Promise<void>) {
  let count = 0;
  let head: AuditChainHead | null = null;
  let batch: string[] = [];
  for await (const event of events) {
    batch.push(`${JSON.stringify(event)}\n`);
    count += 1;
    if (event.seq !== null && event.hash !== null) head = { seq: event.seq, hash: event.hash };
    if (batch.length === 500) {
      await write(batch.join(""));
      batch = [];
    }
  }
  if (batch.length > 0) await write(batch.join(""));
  return { events: count, head };
}

function parseHead(text: string): AuditChainHead {
  const match = /^([1-9][0-9]{0,15}):([0-9a-f]{64})$/.exec(text);
  if (!match) throw invalidField("--head", "must be SEQ:HASH, e.g. 42:9f86d0… (64 hex digits).");
  return { seq: Number(match[1]), hash: String(match[2]) };
}
