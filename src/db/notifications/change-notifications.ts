import type { VerificationCacheControl } from "../../keys/verification/key-cache.js";
import type { VerificationChanges } from "../../keys/verification/verification-changes.js";
import type { Database, NotificationTarget } from "../database.js";
import { Acknowledgements } from "./acknowledgements.js";
import {
  ChangeListener,
  type ChangeRelay,
  type NotificationLog,
  type NotificationMetrics,
} from "./listener.js";
import { notifyingChanges } from "./publisher.js";

export interface ChangeNotificationsOptions {
  database: Database & { notifications: NotificationTarget };
  metrics?: NotificationMetrics;
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
}

/**
 * Cross-instance cache invalidation over PostgreSQL LISTEN/NOTIFY: this instance's listener (which
 * also receives acknowledgements) and its publisher, sharing one set of pending acknowledgements.
 */
export class ChangeNotifications {
  private readonly database: ChangeNotificationsOptions["database"];
  private readonly acks: Acknowledgements;
  private readonly listener: ChangeListener;

  constructor(options: ChangeNotificationsOptions) {
    this.database = options.database;
    this.acks = new Acknowledgements((count) => options.metrics?.countCutOff?.(count));
    this.listener = new ChangeListener({
      target: options.database.notifications,
      acks: this.acks,
      metrics: options.metrics,
      reconnectDelayMs: options.reconnectDelayMs,
      maxReconnectDelayMs: options.maxReconnectDelayMs,
    });
  }

  get isSubscribed(): boolean {
    return this.listener.isSubscribed;
  }

  get backendPid(): number | undefined {
    return this.listener.backendPid;
  }

  /**
   * For buildApp's `publishChanges`: this instance's cache first, then every other instance, both
   * before the operation returns. The cache is distrusted until the first subscription.
   */
  publishChanges = (
    local: VerificationChanges,
    cache: VerificationCacheControl,
    relay?: ChangeRelay,
  ): VerificationChanges => {
    this.listener.attach(cache);
    if (relay) this.listener.relayTo(relay);
    return notifyingChanges(local, this.database.db, this.database.notifications.channel, this.acks);
  };

  start(log?: NotificationLog): void {
    this.listener.start(log);
  }

  /** The database answers again: resubscribe now rather than at the end of the back-off. */
  reconnectNow(): void {
    this.listener.reconnectNow();
  }

  /** Queries fail as unavailable: drop the listening connection too, it may be silently dead. */
  abandon(reason: string): void {
    this.listener.abandon(reason);
  }

  /** Resolves once subscribed, or rejects after `timeoutMs`. */
  async waitUntilSubscribed(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.isSubscribed) {
      if (Date.now() > deadline) throw new Error("not subscribed to change notifications");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): Promise<void> {
    return this.listener.close();
  }
}

/** Opens change notifications when the database has them (PostgreSQL); undefined otherwise. */
export function changeNotificationsFor(
  database: Database,
  metrics?: NotificationMetrics,
): ChangeNotifications | undefined {
  const { notifications } = database;
  if (!notifications) return undefined;
  return new ChangeNotifications({
    database: { ...database, notifications },
    ...(metrics ? { metrics } : {}),
  });
}
