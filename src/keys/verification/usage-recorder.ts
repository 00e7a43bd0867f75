import { writeLastUses } from "../../db/batch-writes.js";
import type { Db, DialectName } from "../../db/database.js";

interface PendingUse {
  at: string;
  ip: string | null;
}

/**
 * Collects "last used" updates in memory and writes them in one batch, so verification never waits
 * on a database write. Each key is queued at most once per `intervalMs` by the verifier.
 */
export class UsageRecorder {
  private pending = new Map<string, PendingUse>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly db: Db;
  private readonly dialect: DialectName;
  private readonly flushEveryMs: number;
  private readonly onError: (error: unknown) => void;

  constructor(options: {
    db: Db;
    dialect: DialectName;
    flushEveryMs: number;
    onError: (error: unknown) => void;
  }) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.flushEveryMs = options.flushEveryMs;
    this.onError = options.onError;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.flush().catch(this.onError);
    }, this.flushEveryMs);
    this.timer.unref();
  }

  note(keyId: string, at: number, ip: string | null): void {
    this.pending.set(keyId, { at: new Date(at).toISOString(), ip });
  }

  /** Writes everything queued so far; concurrent calls are serialized. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch());
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }

  private async writeBatch(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const uses = [...batch].map(([id, use]) => ({ id, at: use.at, ip: use.ip }));
    await writeLastUses(this.db, this.dialect, uses);
  }
}
