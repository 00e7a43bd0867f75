import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import type { KeyCache } from "../keys/key-cache.js";
import type { VerificationChanges } from "../keys/verification-changes.js";
import type { Database, Db, NotificationTarget } from "./database.js";
import { Acknowledgements, ackChannelOf, listenerName } from "./notification-acks.js";

/** Where the listener reports its life (Fastify's logger fits). */
export interface NotificationLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/** Measurements the listener reports (src/ops/metrics implements them). */
export interface NotificationMetrics {
  /** Seconds from pg_notify on the publishing instance to receipt here. */
  observeLag(seconds: number): void;
  countReceived(): void;
  countReconnect(): void;
}

export interface ChangeNotificationsOptions {
  database: Database;
  metrics?: NotificationMetrics;
  /** First reconnection delay; doubles per failed attempt up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

const silentLog: NotificationLog = { info: () => {}, warn: () => {} };

/**
 * Cross-instance cache invalidation over PostgreSQL LISTEN/NOTIFY.
 *
 * Payloads are `k:<keyId>:<sentAtMs>` (a key changed) and `u:<userId>:<sentAtMs>` (its owner changed).
 * Fail safe: while the dedicated listening connection is down, a notification could be missed, so every
 * attached cache is distrusted (verification reads the database) until the channel is listened to again
 * and the cache cleared — anything committed during the outage is then read fresh.
 */
export class ChangeNotifications {
  private readonly target: NotificationTarget;
  private readonly db: Db;
  private readonly metrics: NotificationMetrics | undefined;
  private readonly caches = new Set<KeyCache>();
  private readonly acks = new Acknowledgements();
  private readonly firstDelayMs: number;
  private readonly maxDelayMs: number;
  private log: NotificationLog = silentLog;
  private client: pg.Client | undefined;
  private failedAttempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private isClosed = false;
  private pid: number | undefined;

  constructor(options: ChangeNotificationsOptions) {
    const { database } = options;
    if (!database.notifications) throw new Error("change notifications need a PostgreSQL database");
    this.target = database.notifications;
    this.db = database.db;
    this.metrics = options.metrics;
    this.firstDelayMs = options.reconnectDelayMs ?? 100;
    this.maxDelayMs = options.maxReconnectDelayMs ?? 5_000;
  }

  /** True while the channel is listened to: exactly when the attached caches are trusted. */
  get isSubscribed(): boolean {
    return this.pid !== undefined;
  }

  /** The listening connection's server process id (tests terminate it to simulate an outage). */
  get backendPid(): number | undefined {
    return this.pid;
  }

  /**
   * For buildApp's `publishChanges`: this instance's cache first, then every other instance, both
   * before the operation returns. The cache is distrusted until the first subscription.
   */
  publishChanges = (local: VerificationChanges, cache: KeyCache): VerificationChanges => {
    this.caches.add(cache);
    cache.isTrusted = this.isSubscribed;
    return notifyingChanges(local, this.db, this.target.channel, this.acks);
  };

  /** Starts listening (and reconnecting whenever the connection drops). */
  start(log: NotificationLog = silentLog): void {
    this.log = log;
    void this.connect();
  }

  /** Resolves once subscribed, or rejects after `timeoutMs`. */
  async waitUntilSubscribed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isSubscribed) {
      if (Date.now() > deadline) throw new Error("not subscribed to change notifications");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async close(): Promise<void> {
    this.isClosed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    this.distrust();
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.isClosed) return;
    const client = new pg.Client(this.target.connection);
    this.client = client;
    client.on("error", (error) => this.lose(client, error));
    client.on("end", () => this.lose(client, new Error("connection ended")));
    client.on("notification", (message) => {
      if (message.channel === this.target.channel) this.receive(client, message.payload ?? "");
      else if (message.channel === ackChannelOf(this.target.channel))
        this.acks.receive(message.payload ?? "");
    });
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(this.target.channel)}`);
      await client.query(`listen ${client.escapeIdentifier(ackChannelOf(this.target.channel))}`);
      // Named only once listening: publishers count exactly the subscribed listeners of this channel.
      await client.query("select set_config('application_name', $1, false)", [
        listenerName(this.target.channel),
      ]);
      const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
      if (this.client !== client) {
        // Closed (or superseded) while connecting: this connection is nobody's now.
        await client.end().catch(() => {});
        return;
      }
      this.subscribed(rows[0]?.pid ?? -1);
    } catch (error) {
      this.lose(client, error);
    }
  }

  /** Listening again: anything missed while down is unknown, so start from an empty cache. */
  private subscribed(pid: number): void {
    this.pid = pid;
    if (this.failedAttempts > 0)
      this.log.info({ channel: this.target.channel }, "change notifications resumed");
    this.failedAttempts = 0;
    for (const cache of this.caches) {
      cache.clear();
      cache.isTrusted = true;
    }
  }

  private lose(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.distrust();
    client.removeAllListeners("notification");
    client.end().catch(() => {});
    if (this.isClosed) return;
    const delay = this.nextDelay();
    this.metrics?.countReconnect();
    this.log.warn(
      { err: error, retryInMs: delay },
      "change notifications lost: verifying every key against the database until resubscribed",
    );
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private distrust(): void {
    this.pid = undefined;
    for (const cache of this.caches) cache.isTrusted = false;
  }

  private nextDelay(): number {
    const base = Math.min(this.maxDelayMs, this.firstDelayMs * 2 ** this.failedAttempts);
    this.failedAttempts++;
    // Jitter, so instances that lost the database together don't reconnect in lockstep.
    return Math.round(base * (0.5 + Math.random() * 0.5));
  }

  private receive(client: pg.Client, payload: string): void {
    const change = parsePayload(payload);
    for (const cache of this.caches) {
      if (change?.kind === "k") cache.invalidateKey(change.id);
      else if (change?.kind === "u") cache.invalidateOwner(change.id);
      else cache.clear();
    }
    // Acknowledge only after the caches above have dropped the key: the publisher waits for this.
    if (change?.messageId && this.pid !== undefined) {
      client
        .query("select pg_notify($1, $2)", [
          ackChannelOf(this.target.channel),
          `${change.messageId}:${this.pid}`,
        ])
        .catch(() => {});
    }
    this.metrics?.countReceived();
    if (change && change.sentAt > 0) this.metrics?.observeLag(Math.max(0, Date.now() - change.sentAt) / 1000);
  }
}

interface Change {
  kind: "k" | "u";
  id: string;
  sentAt: number;
  /** Set when the publisher waits for acknowledgements. */
  messageId: string | undefined;
}

/** An unreadable payload yields null: the receiver then drops its whole cache, the safe answer. */
export function parsePayload(payload: string): Change | null {
  const [kind, id, sentAt, messageId] = payload.split(":");
  if ((kind !== "k" && kind !== "u") || !id) return null;
  return { kind, id, sentAt: Number(sentAt) || 0, messageId: messageId || undefined };
}

/**
 * Wraps `local` so each change is also announced on `channel` (after local invalidation, awaited).
 * The change is already committed; a failed announcement is retried, then reported as an error.
 */
export function notifyingChanges(
  local: VerificationChanges,
  db: Db,
  channel: string,
  acks?: Acknowledgements,
): VerificationChanges {
  const publish = async (change: string) => {
    if (!acks) return announce(db, channel, change);
    const messageId = randomBytes(8).toString("hex");
    const confirmation = acks.expect(messageId);
    try {
      const expected = await acks.subscribedListeners(db, channel);
      await announce(db, channel, change, messageId);
      await acks.confirm(db, expected, confirmation);
    } finally {
      acks.forget(messageId);
    }
  };
  return {
    keyChanged: async (keyId) => {
      await local.keyChanged(keyId);
      await publish(`k:${keyId}`);
    },
    ownerChanged: async (userId) => {
      await local.ownerChanged(userId);
      await publish(`u:${userId}`);
    },
  };
}

const retryDelaysMs = [20, 100, 400];

async function announce(db: Db, channel: string, change: string, messageId = ""): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const payload = `${change}:${Date.now()}${messageId ? `:${messageId}` : ""}`;
      await sql`select pg_notify(${channel}, ${payload})`.execute(db);
      return;
    } catch (error) {
      const delay = retryDelaysMs[attempt];
      if (delay === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
