import type pg from "pg";
import type { VerificationCacheControl } from "../../keys/verification/key-cache.js";
import { loadOnUse } from "../../shared/load-on-use.js";
import type { NotificationTarget } from "../database.js";
import type { Acknowledgements } from "./acknowledgements.js";
import { ackChannelOf, type Change, formatAck, listenerName, parseChange } from "./protocol.js";

/**
 * Passes a change on to verifiers outside Keyward (the change stream, src/service/): resolves once
 * they have applied it or been cut off. The listener acknowledges only after that.
 */
export type ChangeRelay = (change: Change | null) => Promise<void>;

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
  /** Listeners of other instances terminated for not acknowledging a change in time. */
  countCutOff?(count: number): void;
}

export interface ChangeListenerOptions {
  target: NotificationTarget;
  /** Acknowledgements arriving on the ack channel are handed to the publisher's waiters. */
  acks: Acknowledgements;
  metrics?: NotificationMetrics | undefined;
  /** First reconnection delay; doubles per failed attempt up to `maxReconnectDelayMs`. */
  reconnectDelayMs?: number | undefined;
  maxReconnectDelayMs?: number | undefined;
  /**
   * How often the listening connection is checked with a query that must answer within the same time.
   * A connection whose path went silent (a partition, a hung server) reports no error by itself, and
   * this instance would go on trusting its cache while revocations go unheard.
   */
  heartbeatMs?: number | undefined;
}

const silentLog: NotificationLog = { info: () => {}, warn: () => {} };

/**
 * The dedicated LISTEN connection. Fail safe: while it is down a notification could be missed, so every
 * attached cache is distrusted (verification reads the database) until the channel is listened to
 * again and the caches cleared — anything committed during the outage is then read fresh.
 */
export class ChangeListener {
  private readonly options: ChangeListenerOptions;
  private readonly caches = new Set<VerificationCacheControl>();
  private readonly relays = new Set<ChangeRelay>();
  private log: NotificationLog = silentLog;
  private client: pg.Client | undefined;
  private failedAttempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private isClosed = false;
  private pid: number | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(options: ChangeListenerOptions) {
    this.options = options;
  }

  /** True while the channel is listened to: exactly when the attached caches are trusted. */
  get isSubscribed(): boolean {
    return this.pid !== undefined;
  }

  /** The listening connection's server process id (tests terminate it to simulate an outage). */
  get backendPid(): number | undefined {
    return this.pid;
  }

  /** Attaches a cache: trusted only while subscribed. */
  attach(cache: VerificationCacheControl): void {
    this.caches.add(cache);
    cache.setTrusted(this.isSubscribed);
  }

  /** Changes this listener receives are also relayed here before they are acknowledged. */
  relayTo(relay: ChangeRelay): void {
    this.relays.add(relay);
  }

  /** Starts listening (and reconnecting whenever the connection drops). */
  start(log: NotificationLog = silentLog): void {
    this.log = log;
    void this.connect();
  }

  /** Waiting out a back-off while the database is known to answer again: connect now. */
  reconnectNow(): void {
    if (this.isClosed || this.client !== undefined || this.reconnectTimer === undefined) return;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    void this.connect();
  }

  /**
   * The database stopped answering other queries: this connection may be just as dead though nothing
   * says so yet. Drop it (the cache is distrusted) and reconnect; `reconnectNow` once queries succeed.
   */
  abandon(reason: string): void {
    if (this.client) this.lose(this.client, new Error(reason));
  }

  async close(): Promise<void> {
    this.isClosed = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeat);
    const client = this.client;
    this.client = undefined;
    this.distrust();
    await client?.end().catch(() => {});
  }

  private get channel(): string {
    return this.options.target.channel;
  }

  private async connect(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.isClosed) return;
    const { Client } = loadOnUse("pg") as typeof import("pg");
    const client = new Client(this.options.target.connection);
    this.client = client;
    client.on("error", (error) => this.lose(client, error));
    client.on("end", () => this.lose(client, new Error("connection ended")));
    client.on("notification", (message) => {
      if (message.channel === this.channel) this.receive(client, message.payload ?? "");
      else if (message.channel === ackChannelOf(this.channel))
        this.options.acks.receive(message.payload ?? "");
    });
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(this.channel)}`);
      await client.query(`listen ${client.escapeIdentifier(ackChannelOf(this.channel))}`);
      // Named only once listening: publishers count exactly the subscribed listeners of this channel.
      await client.query("select set_config('application_name', $1, false)", [listenerName(this.channel)]);
      const { rows } = await client.query<{ pid: number }>("select pg_backend_pid() as pid");
      if (this.client !== client) {
        // Closed (or superseded) while connecting: this connection is nobody's now.
        await client.end().catch(() => {});
        return;
      }
      this.subscribed(rows[0]?.pid ?? -1);
      this.watch(client);
    } catch (error) {
      this.lose(client, error);
    }
  }

  /** Listening again: anything missed while down is unknown, so start from an empty cache. */
  private subscribed(pid: number): void {
    this.pid = pid;
    if (this.failedAttempts > 0) this.log.info({ channel: this.channel }, "change notifications resumed");
    this.failedAttempts = 0;
    for (const cache of this.caches) {
      cache.clear();
      cache.setTrusted(true);
    }
  }

  /** The heartbeat: a connection that does not answer `select 1` in time is lost. */
  private watch(client: pg.Client): void {
    const every = this.options.heartbeatMs ?? 2_000;
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (this.client !== client) return;
      client
        .query({ text: "select 1", query_timeout: every } as pg.QueryConfig)
        .catch((error: unknown) => this.lose(client, error));
    }, every);
    this.heartbeat.unref();
  }

  private lose(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    this.distrust();
    client.removeAllListeners("notification");
    client.end().catch(() => {});
    if (this.isClosed) return;
    const delay = this.nextDelay();
    this.options.metrics?.countReconnect();
    // One line per outage, not one per failed attempt (the resumption is the other line).
    if (this.failedAttempts === 1) {
      this.log.warn(
        { reason: error instanceof Error ? error.message : String(error), retryInMs: delay },
        "change notifications lost: verifying every key against the database until resubscribed",
      );
    }
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private distrust(): void {
    this.pid = undefined;
    for (const cache of this.caches) cache.setTrusted(false);
  }

  private nextDelay(): number {
    const first = this.options.reconnectDelayMs ?? 100;
    const max = this.options.maxReconnectDelayMs ?? 5_000;
    const base = Math.min(max, first * 2 ** this.failedAttempts);
    this.failedAttempts++;
    // Jitter, so instances that lost the database together don't reconnect in lockstep.
    return Math.round(base * (0.5 + Math.random() * 0.5));
  }

  private receive(client: pg.Client, payload: string): void {
    const change = parseChange(payload);
    for (const cache of this.caches) {
      if (change?.kind === "k") cache.invalidateKey(change.id);
      else if (change?.kind === "u") cache.invalidateOwner(change.id);
      else if (change?.kind === "n") cache.keyCreated(change.id);
      else cache.clear();
    }
    // Acknowledge only after the caches above have dropped the key (and relays passed it on): the
    // publisher waits for this.
    const pid = this.pid;
    if (change?.messageId && pid !== undefined) {
      const messageId = change.messageId;
      const relayed =
        this.relays.size === 0 ? undefined : Promise.all([...this.relays].map((relay) => relay(change)));
      const acknowledge = () =>
        client
          .query("select pg_notify($1, $2)", [ackChannelOf(this.channel), formatAck(messageId, pid)])
          .catch(() => {});
      if (relayed === undefined) void acknowledge();
      else void relayed.then(acknowledge, acknowledge);
    } else if (this.relays.size > 0) {
      for (const relay of this.relays) void relay(change).catch(() => {});
    }
    const { metrics } = this.options;
    metrics?.countReceived();
    if (change && change.sentAt > 0) metrics?.observeLag(Math.max(0, Date.now() - change.sentAt) / 1000);
  }
}
