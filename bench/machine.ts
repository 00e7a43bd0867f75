import { cpus, loadavg, totalmem } from "node:os";
import SqliteDatabase from "better-sqlite3";
import pg from "pg";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  sqlite: string;
  postgres: string;
}

export async function describeMachine(postgresUrl: string): Promise<Machine> {
  const sqlite = new SqliteDatabase(":memory:");
  const sqliteVersion = String(sqlite.prepare("select sqlite_version()").pluck().get());
  sqlite.close();
  return {
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    sqlite: sqliteVersion,
    postgres: await postgresVersion(postgresUrl),
  };
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("show server_version");
    return rows[0]?.server_version ?? "unknown";
  } catch {
    return "unreachable";
  } finally {
    await client.end().catch(() => {});
  }
}

/** The 1-minute load average: how busy the machine was besides the benchmark. */
export function loadAverage(): string {
  return loadavg()[0]?.toFixed(2) ?? "?";
}
