import type { Db } from "../db/database.js";
import type { CanaryRef } from "../keys/verification/key-cache.js";
import { recordCanaryTrigger } from "./canary-trigger.js";

export interface CanaryAlertsOptions {
  db: Db;
  /** One alert per canary and client address in this period, per instance (a loop can't flood inboxes). */
  quietMs?: number;
  onError: (error: unknown) => void;
}

/**
 * Raises a canary's alert after the response: verification only notes the use (no await, no I/O on the
 * request's path); the audit and outbox writes happen here, in the background.
 */
export class CanaryAlerts {
  private readonly lastAlert = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: CanaryAlertsOptions) {}

  noteUse(
    canary: CanaryRef,
    use: { ip: string; userAgent?: string | undefined; route?: string | undefined },
  ): void {
    const now = Date.now();
    const throttleKey = `${canary.keyId} ${use.ip}`;
    const last = this.lastAlert.get(throttleKey);
    if (last !== undefined && now - last < (this.options.quietMs ?? 60_000)) return;
    this.lastAlert.set(throttleKey, now);
    if (this.lastAlert.size > 10_000) this.lastAlert.clear();
    const write = recordCanaryTrigger(this.options.db, {
      accountId: canary.accountId,
      key: { id: canary.keyId, name: canary.name, hint: canary.hint, ownerId: canary.ownerId },
      actor: { type: "anonymous", label: "Canary key use", ip: use.ip },
      use: {
        at: new Date(now).toISOString(),
        ip: use.ip,
        userAgent: use.userAgent ?? null,
        route: use.route ?? null,
      },
    })
      .catch(this.options.onError)
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Waits for alerts being written (shutdown, tests). */
  async settle(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
