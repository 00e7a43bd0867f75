import { sql } from "kysely";
import type { Db } from "../database.js";
import { listenerName, parseAck } from "./protocol.js";

/** How long a publisher waits for every listener before cutting off the silent ones. */
export const confirmTimeoutMs = 1_000;

export interface Pending {
  acked: Set<number>;
  onAck: () => void;
}

/**
 * Makes a change "immediate on every instance": after pg_notify, the publisher waits until every
 * subscribed listener (found in pg_stat_activity by its application_name) has acknowledged, which each
 * does only after dropping the change from its cache. A listener silent for `confirmTimeoutMs` has its
 * connection terminated, so its instance stops trusting its cache — it can't keep serving the old answer.
 */
export class Acknowledgements {
  private readonly pending = new Map<string, Pending>();

  /** `onCutOff` counts the listeners terminated for silence (keyward_notification_cut_offs_total). */
  constructor(private readonly onCutOff: (count: number) => void = () => {}) {}

  /** Registers before the notification is sent, so no early acknowledgement is missed. */
  expect(messageId: string): Pending {
    const entry: Pending = { acked: new Set(), onAck: () => {} };
    this.pending.set(messageId, entry);
    return entry;
  }

  forget(messageId: string): void {
    this.pending.delete(messageId);
  }

  receive(payload: string): void {
    const { messageId, listenerPid } = parseAck(payload);
    this.acknowledge(messageId, listenerPid);
  }

  /** One participant (a listener's pid, a change-stream subscriber's id) has applied the change. */
  acknowledge(messageId: string, participant: number): void {
    const entry = this.pending.get(messageId);
    if (!entry) return;
    entry.acked.add(participant);
    entry.onAck();
  }

  /**
   * Who must acknowledge: the listeners subscribed *before* the notification is sent, each of which is
   * sure to receive it. A listener subscribing later starts from an empty cache and owes nothing.
   */
  async subscribedListeners(db: Db, channel: string): Promise<number[]> {
    const { rows } = await sql<{ pid: number }>`
      select pid from pg_stat_activity
      where application_name = ${listenerName(channel)} and datname = current_database()`.execute(db);
    return rows.map((row) => Number(row.pid));
  }

  /** Waits until every expected listener has acknowledged; cuts off the ones still silent after the timeout. */
  async confirm(db: Db, expected: number[], entry: Pending): Promise<void> {
    const silent = await this.waitForAll(expected, entry);
    if (silent.length > 0) {
      this.onCutOff(silent.length);
      await sql`select pg_terminate_backend(pid) from unnest(${silent}::int[]) as pid`.execute(db);
    }
  }

  /**
   * Waits until every expected participant has acknowledged, or `timeoutMs`; answers the silent ones,
   * whom the caller must cut off (the PostgreSQL listeners above; the change stream's subscribers).
   */
  async waitForAll(expected: number[], entry: Pending, timeoutMs = confirmTimeoutMs): Promise<number[]> {
    const isDone = () => expected.every((id) => entry.acked.has(id));
    if (!isDone()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        entry.onAck = () => {
          if (!isDone()) return;
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return expected.filter((id) => !entry.acked.has(id));
  }
}
