import { randomBytes } from "node:crypto";
import { Acknowledgements, confirmTimeoutMs } from "../db/notifications/acknowledgements.js";
import type { Change } from "../db/notifications/protocol.js";
import type { VerificationChanges } from "../keys/verification/verification-changes.js";

/** Where a subscriber's events go: an open Server-Sent Events response. */
export interface StreamSink {
  write(text: string): void;
  end(): void;
}

/** A change as verifiers outside Keyward receive it. `all`: drop every cached key. */
export interface StreamedChange {
  messageId: string;
  kind: "key" | "owner" | "all";
  id: string | null;
}

interface Subscriber {
  id: number;
  tokenId: string;
  sink: StreamSink;
}

export interface ChangeStreamOptions {
  heartbeatMs?: number;
  /** How long a change waits for every subscriber before the silent ones are cut off. */
  ackTimeoutMs?: number;
  /** Asked every `externalWritePollMs` while anyone subscribes: another process (the CLI) changed keys. */
  hasExternalWrites?: () => boolean;
  /** Called when the poll above says yes, before subscribers are told to drop everything. */
  onExternalWrites?: () => void;
  externalWritePollMs?: number;
}

/**
 * The change stream's subscribers: verifiers in the operator's own services (packages/verify). Each
 * change that affects verification is sent to every subscriber, and — like a change sent to another
 * Keyward instance — the change returns only once each has acknowledged it or, silent for a second,
 * had its stream ended (its verifier then stops trusting its cache until it has reconnected). The
 * acknowledgements are the instances' own mechanism (db/notifications/acknowledgements.ts).
 */
export class ChangeStream {
  private readonly subscribers = new Map<number, Subscriber>();
  private readonly acks = new Acknowledgements();
  private readonly options: ChangeStreamOptions;
  private nextId = 1;
  private heartbeat: NodeJS.Timeout | undefined;
  private externalPoll: NodeJS.Timeout | undefined;

  constructor(options: ChangeStreamOptions = {}) {
    this.options = options;
  }

  get heartbeatMs(): number {
    return this.options.heartbeatMs ?? 15_000;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** Adds a subscriber; its first event names it (acknowledgements quote the id). */
  subscribe(tokenId: string, sink: StreamSink): { id: number; unsubscribe: () => void } {
    const id = this.nextId++;
    this.subscribers.set(id, { id, tokenId, sink });
    sink.write(
      `event: ready\ndata: ${JSON.stringify({ subscriberId: id, heartbeatMs: this.heartbeatMs })}\n\n`,
    );
    this.startTimers();
    return { id, unsubscribe: () => this.drop(id) };
  }

  /** A subscriber has applied a change; only the token that opened the stream may say so. */
  acknowledge(tokenId: string, subscriberId: number, messageId: string): boolean {
    if (this.subscribers.get(subscriberId)?.tokenId !== tokenId) return false;
    this.acks.acknowledge(messageId, subscriberId);
    return true;
  }

  /** Ends every stream a revoked service token opened. */
  endStreamsOf(tokenId: string): void {
    for (const subscriber of this.subscribers.values()) {
      if (subscriber.tokenId === tokenId) this.cutOff(subscriber.id);
    }
  }

  /** Sends a change and waits for every subscriber's acknowledgement (or cuts the silent ones off). */
  async publish(
    kind: StreamedChange["kind"],
    id: string | null,
    timeoutMs = this.ackTimeoutMs,
  ): Promise<void> {
    if (this.subscribers.size === 0) return;
    const messageId = randomBytes(8).toString("hex");
    const pending = this.acks.expect(messageId);
    try {
      const expected = [...this.subscribers.keys()];
      const event: StreamedChange = { messageId, kind, id };
      const text = `event: change\ndata: ${JSON.stringify(event)}\n\n`;
      for (const subscriberId of expected) this.subscribers.get(subscriberId)?.sink.write(text);
      const silent = await this.acks.waitForAll(expected, pending, timeoutMs);
      for (const subscriberId of silent) this.cutOff(subscriberId);
    } finally {
      this.acks.forget(messageId);
    }
  }

  /** `changes` that also reach every subscriber before they return. */
  wrap(changes: VerificationChanges): VerificationChanges {
    return {
      keyChanged: async (keyId) => {
        await changes.keyChanged(keyId);
        await this.publish("key", keyId);
      },
      ownerChanged: async (userId) => {
        await changes.ownerChanged(userId);
        await this.publish("owner", userId);
      },
      // Verifiers cache only keys Keyward accepted: a new key can't be in anyone's cache.
      keyCreated: (hash) => changes.keyCreated(hash),
    };
  }

  /**
   * For the PostgreSQL listener: a change another instance made. It is passed on with a shorter
   * deadline, so this instance still acknowledges within the publishing instance's second.
   */
  relay = async (change: Change | null): Promise<void> => {
    const timeout = Math.round(this.ackTimeoutMs * 0.75);
    if (change === null) return this.publish("all", null, timeout);
    if (change.kind === "k") return this.publish("key", change.id, timeout);
    if (change.kind === "u") return this.publish("owner", change.id, timeout);
  };

  /** Ends every stream (shutdown): verifiers fall back to remote verification and reconnect elsewhere. */
  close(): void {
    for (const id of [...this.subscribers.keys()]) this.cutOff(id);
    this.stopTimers();
  }

  private get ackTimeoutMs(): number {
    return this.options.ackTimeoutMs ?? confirmTimeoutMs;
  }

  private cutOff(id: number): void {
    const subscriber = this.subscribers.get(id);
    this.drop(id);
    subscriber?.sink.end();
  }

  private drop(id: number): void {
    this.subscribers.delete(id);
    if (this.subscribers.size === 0) this.stopTimers();
  }

  private startTimers(): void {
    if (this.heartbeat === undefined) {
      this.heartbeat = setInterval(() => {
        for (const { sink } of this.subscribers.values()) sink.write(": heartbeat\n\n");
      }, this.heartbeatMs);
      this.heartbeat.unref();
    }
    const { hasExternalWrites } = this.options;
    if (hasExternalWrites !== undefined && this.externalPoll === undefined) {
      this.externalPoll = setInterval(() => {
        if (!hasExternalWrites()) return;
        this.options.onExternalWrites?.();
        void this.publish("all", null);
      }, this.options.externalWritePollMs ?? 100);
      this.externalPoll.unref();
    }
  }

  private stopTimers(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.externalPoll);
    this.heartbeat = undefined;
    this.externalPoll = undefined;
  }
}
