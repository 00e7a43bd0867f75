/** A change as Keyward streams it. */
export interface StreamedChange {
  messageId: string;
  kind: "key" | "owner" | "all";
  id: string | null;
}

export interface ChangeStreamClientOptions {
  url: string;
  serviceToken: string;
  /** Applies a change to the cache; the acknowledgement is sent after it returns. */
  onChange(change: StreamedChange): void;
  /** Subscribed (true: start from an empty cache) or lost (false: stop trusting the cache). */
  onTrust(isTrusted: boolean): void;
  onError?(error: unknown): void;
}

/**
 * Follows GET /service/v1/changes (Server-Sent Events) and acknowledges each change once applied. A
 * stream that ends, fails or stays silent past two heartbeats is lost: the verifier stops trusting its
 * cache until it has reconnected.
 */
export class ChangeStreamClient {
  private readonly options: ChangeStreamClientOptions;
  private controller: AbortController | undefined;
  private subscriberId: number | undefined;
  private heartbeatMs = 15_000;
  private lastHeardAt = 0;
  private isClosed = false;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(options: ChangeStreamClientOptions) {
    this.options = options;
  }

  /** True while subscribed and heard from within two heartbeats. */
  get isTrusted(): boolean {
    return this.subscriberId !== undefined && Date.now() - this.lastHeardAt < this.heartbeatMs * 2;
  }

  start(): void {
    void this.connect();
  }

  close(): void {
    this.isClosed = true;
    clearTimeout(this.reconnectTimer);
    this.controller?.abort();
    this.lose();
  }

  private async connect(): Promise<void> {
    if (this.isClosed) return;
    const controller = new AbortController();
    this.controller = controller;
    try {
      const response = await fetch(`${this.options.url}/service/v1/changes`, {
        headers: { authorization: `Bearer ${this.options.serviceToken}`, accept: "text/event-stream" },
        signal: controller.signal,
      });
      if (!response.ok || response.body === null)
        throw new Error(`change stream answered ${response.status}`);
      const decoder = new TextDecoder();
      let buffer = "";
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          this.receive(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf("\n\n");
        }
      }
      throw new Error("change stream ended");
    } catch (error) {
      if (this.controller !== controller) return;
      this.lose();
      if (this.isClosed) return;
      this.options.onError?.(error);
      const delay = Math.min(5_000, 100 * 2 ** this.failures++);
      this.reconnectTimer = setTimeout(() => void this.connect(), delay * (0.5 + Math.random() * 0.5));
    }
  }

  private receive(block: string): void {
    this.lastHeardAt = Date.now();
    let event = "message";
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data += line.slice(5).trim();
    }
    if (event === "ready") {
      const ready = JSON.parse(data) as { subscriberId: number; heartbeatMs: number };
      this.subscriberId = ready.subscriberId;
      this.heartbeatMs = ready.heartbeatMs;
      this.failures = 0;
      this.options.onTrust(true);
    } else if (event === "change") {
      const change = JSON.parse(data) as StreamedChange;
      this.options.onChange(change);
      void this.acknowledge(change.messageId);
    }
  }

  private async acknowledge(messageId: string): Promise<void> {
    const subscriberId = this.subscriberId;
    if (subscriberId === undefined) return;
    try {
      const response = await fetch(`${this.options.url}/service/v1/changes/ack`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.options.serviceToken}`, "content-type": "application/json" },
        body: JSON.stringify({ subscriberId, messageId }),
      });
      await response.body?.cancel();
    } catch (error) {
      // Unacknowledged, Keyward cuts this stream off after a second; the cache is then distrusted.
      this.options.onError?.(error);
    }
  }

  private lose(): void {
    if (this.subscriberId === undefined) return;
    this.subscriberId = undefined;
    this.options.onTrust(false);
  }
}
