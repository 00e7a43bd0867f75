import { sql } from "kysely";
import type { Db } from "./database.js";

const maxIdentifierLength = 63;
/** How long a publisher waits for every listener before cutting off the silent ones. */
const confirmTimeoutMs = 1_000;

export function ackChannelOf(channel: string): string {
  return `${channel.slice(0, maxIdentifierLength - 4)}_ack`;
}

/** The application_name a listener takes once subscribed: how publishers find who must acknowledge. */
export function listenerName(channel: string): string {
  return `keyward-listener ${channel}`.slice(0, maxIdentifierLength);
}

interface Pending {
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
    const [messageId = "", pid] = payload.split(":");
    const entry = this.pending.get(messageId);
    if (!entry) return;
    entry.acked.add(Number(pid));
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
    const isDone = () => expected.every((pid) => entry.acked.has(pid));
    if (!isDone()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, confirmTimeoutMs);
        entry.onAck = () => {
          if (!isDone()) return;
          clearTimeout(timer);
          resolve();
        };
      });
    }
    const silent = expected.filter((pid) => !entry.acked.has(pid));
    if (silent.length > 0) {
      await sql`select pg_terminate_backend(pid) from unnest(${silent}::int[]) as pid`.execute(db);
    }
  }
}
