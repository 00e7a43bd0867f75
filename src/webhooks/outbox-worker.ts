import type { SelectQueryBuilder } from "kysely";
import type { Db } from "../db/database.js";
import { isDatabaseUnavailable } from "../db/database-errors.js";
import { isPostgres } from "../db/locks.js";
import type { Mailer } from "../email/mailer.js";
import { sweepExpiringKeys } from "./expiry-sweep.js";
import { type FanOutSettings, fanOutEvent } from "./fan-out.js";
import { dispatchMarketplaceEvents } from "./marketplace-fan-out.js";
import { recordAttempt } from "./record-attempt.js";
import { sendDelivery } from "./send.js";
import { deliveryHeaders } from "./signing.js";

export interface OutboxWorkerOptions extends FanOutSettings {
  db: Db;
  mailer: Mailer | undefined;
  allowPrivate: boolean;
  /** Multiplies every wait of the retry schedule and the disable-after period (1 in production). */
  timeScale: number;
  pollMs: number;
  /** How long a claimed delivery is this instance's before another may try it (a crash's cost). */
  leaseMs: number;
  requestTimeoutMs: number;
  log: { warn(details: object, message: string): void; error(details: object, message: string): void };
}

const batchSize = 20;

/**
 * The background half of the outbox: fans events out (once, in the transaction that marks them
 * dispatched), then sends due deliveries and emails it has claimed. Every instance runs one; claims use
 * `FOR UPDATE SKIP LOCKED` on PostgreSQL (SQLite's one writer serialises them), and a claim is a lease,
 * so a delivery is sent by one instance at a time and retried by another only if the first died.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private isStopped = false;
  private lastSweep = 0;

  constructor(private readonly options: OutboxWorkerOptions) {}

  start(): void {
    this.isStopped = false;
    const tick = () => {
      if (this.isStopped) return;
      this.running = this.runOnce()
        .catch((error: unknown) => {
          // A database outage is logged once (src/ops/database-health.ts), not at every poll.
          if (isDatabaseUnavailable(error)) return;
          this.options.log.error({ err: error }, "webhook and email worker failed");
        })
        .finally(() => {
          this.running = undefined;
          if (!this.isStopped) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass: dispatch, sweep expiries (once a minute), send. Tests call it to run the worker by hand. */
  async runOnce(): Promise<void> {
    await this.dispatchOutbox();
    await dispatchMarketplaceEvents(this.options.db);
    if (Date.now() - this.lastSweep >= 60_000 * Math.min(1, this.options.timeScale)) {
      this.lastSweep = Date.now();
      await sweepExpiringKeys(this.options.db);
      await this.dispatchOutbox();
    }
    await Promise.all([this.sendDeliveries(), this.sendEmails()]);
  }

  private async dispatchOutbox(): Promise<void> {
    const { db } = this.options;
    for (;;) {
      const count = await db.transaction().execute(async (trx) => {
        const events = await skipLocked(
          trx,
          trx
            .selectFrom("outbox_events")
            .selectAll()
            .where("dispatched_at", "is", null)
            .orderBy("id")
            .limit(batchSize),
        );
        for (const event of events) {
          await fanOutEvent(trx, event, this.options);
          await trx
            .updateTable("outbox_events")
            .set({ dispatched_at: new Date().toISOString() })
            .where("id", "=", event.id)
            .execute();
        }
        return events.length;
      });
      if (count < batchSize) return;
    }
  }

  private async sendDeliveries(): Promise<void> {
    const { db } = this.options;
    const claimed = await claim(db, "webhook_deliveries", this.options.leaseMs);
    await Promise.all(
      claimed.map(async (id) => {
        const delivery = await db
          .selectFrom("webhook_deliveries as d")
          .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
          .select(["d.id", "d.payload", "d.attempts", "e.url", "e.secret", "e.is_enabled"])
          .where("d.id", "=", id)
          .executeTakeFirst();
        if (!delivery) return;
        const result =
          delivery.is_enabled === 1
            ? await sendDelivery({
                url: delivery.url,
                headers: deliveryHeaders(delivery.secret, delivery.id, delivery.payload),
                body: delivery.payload,
                allowPrivate: this.options.allowPrivate,
                timeoutMs: this.options.requestTimeoutMs,
              })
            : { statusCode: undefined, responseMs: 0, error: "the endpoint is disabled" };
        if (result.error !== undefined) {
          this.options.log.warn(
            { delivery: id, statusCode: result.statusCode, reason: result.error },
            "webhook delivery failed",
          );
        }
        await recordAttempt(db, {
          deliveryId: id,
          result,
          timeScale: this.options.timeScale,
          isFinal: delivery.is_enabled !== 1,
        });
      }),
    );
  }

  private async sendEmails(): Promise<void> {
    const { db, mailer } = this.options;
    if (mailer === undefined) return;
    const claimed = await claim(db, "email_messages", this.options.leaseMs);
    for (const id of claimed) {
      const message = await db
        .selectFrom("email_messages")
        .selectAll()
        .where("id", "=", id)
        .executeTakeFirst();
      if (!message) continue;
      try {
        await mailer.send({ to: message.to_address, subject: message.subject, text: message.body });
        await db
          .updateTable("email_messages")
          .set({
            status: "delivered",
            sent_at: new Date().toISOString(),
            attempts: message.attempts + 1,
            locked_until: null,
          })
          .where("id", "=", id)
          .execute();
      } catch (error) {
        const attempts = message.attempts + 1;
        const waitMs = Math.min(3_600_000, 60_000 * 2 ** attempts) * this.options.timeScale;
        this.options.log.warn({ email: id, err: error }, "email could not be sent");
        await db
          .updateTable("email_messages")
          .set({
            attempts,
            status: attempts >= 8 ? "failed" : "pending",
            next_attempt_at: new Date(Date.now() + waitMs).toISOString(),
            last_error: error instanceof Error ? error.message.slice(0, 300) : "unknown error",
            locked_until: null,
          })
          .where("id", "=", id)
          .execute();
      }
    }
  }
}

/** On PostgreSQL, rows another instance is claiming are skipped rather than waited for. */
export function skipLocked<DB, TB extends keyof DB, O>(
  trx: Db,
  query: SelectQueryBuilder<DB, TB, O>,
): Promise<O[]> {
  return (isPostgres(trx) ? query.forUpdate().skipLocked() : query).execute();
}

/** Leases up to a batch of due, unclaimed rows to this instance and returns their ids. */
async function claim(
  db: Db,
  table: "webhook_deliveries" | "email_messages",
  leaseMs: number,
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const nowText = now.toISOString();
    const due = await skipLocked(
      trx,
      trx
        .selectFrom(table)
        .select("id")
        .where("status", "=", "pending")
        .where("next_attempt_at", "<=", nowText)
        .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", nowText)]))
        .orderBy("next_attempt_at")
        .limit(batchSize),
    );
    const ids = due.map((row) => row.id);
    if (ids.length === 0) return [];
    await trx
      .updateTable(table)
      .set({ locked_until: new Date(now.getTime() + leaseMs).toISOString() })
      .where("id", "in", ids)
      .execute();
    return ids;
  });
}
