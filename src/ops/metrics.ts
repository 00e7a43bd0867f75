import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "../db/database.js";
import type { NotificationMetrics } from "../db/notifications/listener.js";
import type { KeyCache } from "../keys/verification/key-cache.js";
import type { KeyVerifier } from "../keys/verification/verify-key.js";
import type { BuildInfo } from "./build-info.js";
import type { DatabaseHealth } from "./database-health.js";
import { RequestDurations } from "./request-durations.js";

export interface MetricsOptions {
  /** Process metrics (memory, CPU, event-loop delay, GC): on for a server, off for in-process tests. */
  includeProcessMetrics?: boolean;
}

/**
 * One registry per app. Verification and cache figures are plain counters kept by the verifier and
 * the cache, read only when Prometheus scrapes, so the hot path never touches prom-client. No label
 * ever holds a key, a key id or a user.
 */
export class Metrics implements NotificationMetrics {
  readonly registry = new Registry();
  readonly requestDurations = new RequestDurations();
  private readonly notificationLag: Histogram;
  private readonly notificationsReceived: Counter;
  private readonly notificationReconnects: Counter;
  private readonly notificationCutOffs: Counter;
  private readonly flushFailures: Counter;
  private readonly notFound: Counter;

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.includeProcessMetrics) collectDefaultMetrics({ register: this.registry, prefix: "keyward_" });
    this.notificationLag = new Histogram({
      name: "keyward_notification_lag_seconds",
      help: "Time from pg_notify on the instance that made a change to its receipt here.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.notificationsReceived = new Counter({
      name: "keyward_notifications_received_total",
      help: "Verification changes received from any instance (including this one).",
      registers,
    });
    this.notificationReconnects = new Counter({
      name: "keyward_notification_reconnects_total",
      help: "Times the notification connection was lost and a reconnection scheduled.",
      registers,
    });
    this.notificationCutOffs = new Counter({
      name: "keyward_notification_cut_offs_total",
      help: "Other instances' listeners terminated for not acknowledging a change within a second.",
      registers,
    });
    this.flushFailures = new Counter({
      name: "keyward_batch_flush_failures_total",
      help: "Failed writes of a batch (last-used times, usage counts); the batch is kept and retried.",
      labelNames: ["batch"],
      registers,
    });
    this.notFound = new Counter({
      name: "keyward_http_not_found_total",
      help: "Requests for a path no route serves (answered 404).",
      registers,
    });
  }

  countCutOff(count: number): void {
    this.notificationCutOffs.inc(count);
  }

  countFlushFailure(batch: "last_used" | "usage"): void {
    this.flushFailures.inc({ batch });
  }

  countNotFound(): void {
    this.notFound.inc();
  }

  /** keyward_build_info{version,commit} 1. */
  publishBuildInfo(build: BuildInfo): void {
    new Gauge({
      name: "keyward_build_info",
      help: "The running build: version and commit.",
      labelNames: ["version", "commit", "node"],
      registers: [this.registry],
    }).set({ version: build.version, commit: build.commit, node: process.version }, 1);
  }

  /** Database errors, reachability and (PostgreSQL) pool usage. */
  watchDatabase(database: Database, health: DatabaseHealth): void {
    const registers = [this.registry];
    new Counter({
      name: "keyward_database_errors_total",
      help: "Failed queries: unavailable (unreachable, full, read-only, timed out) or other.",
      labelNames: ["kind"],
      registers,
      collect() {
        this.reset();
        this.inc({ kind: "unavailable" }, health.unavailableErrors);
        this.inc({ kind: "other" }, health.otherErrors);
      },
    });
    gaugeOf(
      "keyward_database_up",
      "1 while queries succeed, 0 during an outage.",
      () => (health.isUp ? 1 : 0),
      registers,
    );
    const pool = database.pool;
    if (!pool) return;
    gaugeOf("keyward_database_pool_max", "KEYWARD_DATABASE_POOL_SIZE.", () => pool.max, registers);
    gaugeOf("keyward_database_pool_connections", "Open pool connections.", () => pool.total(), registers);
    gaugeOf(
      "keyward_database_pool_in_use",
      "Pool connections checked out by a query.",
      () => pool.total() - pool.idle(),
      registers,
    );
    gaugeOf(
      "keyward_database_pool_waiting",
      "Queries waiting for a free pool connection.",
      () => pool.waiting(),
      registers,
    );
    counterOf(
      "keyward_database_pool_acquire_timeouts_total",
      "Requests answered 503 because no pool connection came free within KEYWARD_DATABASE_ACQUIRE_TIMEOUT_SECONDS.",
      () => pool.acquireTimeouts(),
      registers,
    );
  }

  observeLag(seconds: number): void {
    this.notificationLag.observe(seconds);
  }

  countReceived(): void {
    this.notificationsReceived.inc();
  }

  countReconnect(): void {
    this.notificationReconnects.inc();
  }

  /** Exposes the verifier's and its cache's counters. */
  watchVerifier(verifier: KeyVerifier, cache: KeyCache): void {
    const registers = [this.registry];
    const { outcomes } = verifier;
    new Counter({
      name: "keyward_key_verifications_total",
      help: "API key verifications by outcome.",
      labelNames: ["outcome"],
      registers,
      collect() {
        // The source counts are absolute; reset-then-add publishes them as they are.
        this.reset();
        for (const [outcome, count] of Object.entries(outcomes.byLabel())) this.inc({ outcome }, count);
      },
    });
    counterOf(
      "keyward_key_database_reads_total",
      "Key verifications that read the database (cache misses not answered by the known-keys filter).",
      () => outcomes.databaseReads,
      registers,
    );
    counterOf(
      "keyward_key_cache_hits_total",
      "Verifications answered from this instance's cache.",
      () => cache.hits,
      registers,
    );
    counterOf(
      "keyward_key_cache_misses_total",
      "Verifications that read the database (not cached, expired, or cache not trusted).",
      () => cache.misses,
      registers,
    );
    gaugeOf("keyward_key_cache_entries", "Entries in the key cache.", () => cache.size, registers);
    gaugeOf(
      "keyward_key_cache_trusted",
      "1 while cross-instance invalidation is guaranteed (notifications subscribed), else 0.",
      () => (cache.isTrusted ? 1 : 0),
      registers,
    );
  }

  /** The exposition text for GET /metrics. */
  async render(): Promise<string> {
    return `${await this.registry.metrics()}\n${this.requestDurations.render()}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}

function counterOf(name: string, help: string, read: () => number, registers: Registry[]): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function gaugeOf(name: string, help: string, read: () => number, registers: Registry[]): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      this.set(read());
    },
  });
}
