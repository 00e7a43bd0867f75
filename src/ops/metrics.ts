import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { NotificationMetrics } from "../db/notifications.js";
import type { KeyVerifier } from "../keys/verify-key.js";
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
  watchVerifier(verifier: KeyVerifier): void {
    const registers = [this.registry];
    const { cache, outcomes } = verifier;
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
