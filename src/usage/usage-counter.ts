import { addClientIps, addUsageCounts, chunks, rowsPerStatement } from "../db/batch-writes.js";
import type { Db, DialectName } from "../db/database.js";
import { pruneUsage } from "./usage-retention.js";

/** One keyed request, as usage analytics count it. */
export interface UsageEvent {
  accountId: string;
  keyId: string;
  /** "GET /api/v1/orders/:id" */
  route: string;
  /** "orders:read", or "none" */
  permission: string;
  statusCode: number;
  /** The request passed verification (the key worked and was allowed). */
  isAuthorized: boolean;
  ip: string;
}

interface ClientIp {
  accountId: string;
  firstSeen: number;
  lastSeen: number;
  requests: number;
}

export interface UsageCounterOptions {
  db: Db;
  dialect: DialectName;
  flushEveryMs: number;
  onError: (error: unknown) => void;
}

/**
 * Counts every keyed request in memory — by minute, route, permission, status class and whether it
 * was authorized — and writes the counts in batches: no database write per request. Each batch adds
 * to minute, hour and day rows (upserts that add), so instances writing the same bucket add up.
 */
export class UsageCounter {
  private counts = new Map<string, number>();
  private clientIps = new Map<string, ClientIp>();
  private flushing: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastPrunedAt = 0;
  private readonly options: UsageCounterOptions;

  constructor(options: UsageCounterOptions) {
    this.options = options;
  }

  /** Writes every `flushEveryMs`, and prunes what is past retention about once an hour. */
  start(): void {
    this.timer = setInterval(() => {
      this.flush()
        .then(() => this.pruneHourly())
        .catch(this.options.onError);
    }, this.options.flushEveryMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private async pruneHourly(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrunedAt < 3_600_000) return;
    this.lastPrunedAt = now;
    await pruneUsage(this.options.db, now);
  }

  /** Hot path: one string and two map updates. */
  count(event: UsageEvent, now = Date.now()): void {
    const minute = Math.floor(now / 60_000);
    const statusClass = `${Math.floor(event.statusCode / 100)}xx`;
    const slot = `${minute}\u0000${event.accountId}\u0000${event.keyId}\u0000${event.route}\u0000${event.permission}\u0000${statusClass}\u0000${event.isAuthorized ? 1 : 0}`;
    this.counts.set(slot, (this.counts.get(slot) ?? 0) + 1);
    const ipSlot = `${event.keyId}\u0000${event.ip}`;
    const seen = this.clientIps.get(ipSlot);
    if (seen) {
      seen.lastSeen = now;
      seen.requests++;
    } else
      this.clientIps.set(ipSlot, { accountId: event.accountId, firstSeen: now, lastSeen: now, requests: 1 });
  }

  /** Writes everything counted so far; concurrent calls are serialized. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  private async writeBatch(): Promise<void> {
    if (this.counts.size === 0 && this.clientIps.size === 0) return;
    const counts = this.counts;
    const clientIps = this.clientIps;
    this.counts = new Map();
    this.clientIps = new Map();
    const { db, dialect } = this.options;
    // One transaction, as before: SQLite writes every page a transaction touched to the WAL at its
    // commit, so a transaction per slice rewrote the shared index pages again and again (the cold path
    // fell from 2,556 to 1,752 req/s). Within it, statements of 500 rows with the event loop turning
    // between them (src/db/batch-writes.ts): a batch from many distinct keys must not stall the requests
    // that arrive while it is written. Rows are built a slice at a time for the same reason. The commit
    // itself (and SQLite's WAL checkpoint after it) still runs in one go: ≈200 ms for 30,000 keys.
    await db.transaction().execute(async (trx) => {
      for (const slice of chunks([...counts], rowsPerStatement)) {
        const rows = slice.map(countedRow);
        await addUsageCounts(trx, dialect, "usage_minute", mergeIntoBuckets(rows, 60_000));
        await addUsageCounts(trx, dialect, "usage_hour", mergeIntoBuckets(rows, 3_600_000));
        await addUsageCounts(trx, dialect, "usage_day", mergeIntoBuckets(rows, 86_400_000));
      }
      for (const slice of chunks([...clientIps], rowsPerStatement)) {
        await addClientIps(trx, dialect, slice.map(clientIpRow));
      }
    });
  }
}

function countedRow([slot, requests]: [string, number]): CountedRow {
  const [
    minute = "0",
    account_id = "",
    key_id = "",
    route = "",
    permission = "",
    status_class = "",
    authorized = "0",
  ] = slot.split("\u0000");
  return {
    minute: Number(minute),
    account_id,
    key_id,
    route,
    permission,
    status_class,
    authorized: Number(authorized),
    requests,
  };
}

function clientIpRow([slot, seen]: [string, ClientIp]) {
  const [key_id = "", ip = ""] = slot.split("\u0000");
  return {
    account_id: seen.accountId,
    key_id,
    ip,
    first_seen_at: new Date(seen.firstSeen).toISOString(),
    last_seen_at: new Date(seen.lastSeen).toISOString(),
    requests: seen.requests,
  };
}

interface CountedRow {
  minute: number;
  account_id: string;
  key_id: string;
  route: string;
  permission: string;
  status_class: string;
  authorized: number;
  requests: number;
}

/** The batch's rows summed into buckets of `sizeMs` (a minute, an hour, a day). */
function mergeIntoBuckets(rows: CountedRow[], sizeMs: number) {
  const merged = new Map<string, Omit<CountedRow, "minute"> & { bucket: string }>();
  for (const row of rows) {
    const bucket = new Date(Math.floor((row.minute * 60_000) / sizeMs) * sizeMs).toISOString();
    const slot = `${bucket}\u0000${row.key_id}\u0000${row.route}\u0000${row.permission}\u0000${row.status_class}\u0000${row.authorized}`;
    const existing = merged.get(slot);
    if (existing) existing.requests += row.requests;
    else {
      const { minute: _minute, ...rest } = row;
      merged.set(slot, { ...rest, bucket });
    }
  }
  return [...merged.values()];
}
