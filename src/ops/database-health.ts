import type { FastifyBaseLogger } from "fastify";
import type { Database } from "../db/database.js";
import { isDatabaseUnavailable } from "../db/database-errors.js";

/**
 * Whether the database answers, from the outcome of every query. An outage is one log line when it
 * starts and one when it ends (requests failing meanwhile are 503s, not stack traces); the figures
 * go to /metrics. `onLost` callbacks run when queries start failing, `onRecovered` ones the moment a
 * query succeeds again.
 */
export class DatabaseHealth {
  isUp = true;
  /** Queries that failed because the database was unreachable, full or read-only. */
  unavailableErrors = 0;
  /** Other failed queries (constraint violations included: some are expected races). */
  otherErrors = 0;
  private downSince = 0;
  private readonly recovered: Array<() => void> = [];
  private readonly lost: Array<() => void> = [];

  constructor(
    database: Database,
    private readonly log: FastifyBaseLogger,
  ) {
    database.queries.succeeded = () => this.succeeded();
    database.queries.failed = (error) => this.failed(error);
  }

  onRecovered(callback: () => void): void {
    this.recovered.push(callback);
  }

  /** Called the moment queries start failing as unavailable. */
  onLost(callback: () => void): void {
    this.lost.push(callback);
  }

  succeeded(): void {
    if (this.isUp) return;
    this.isUp = true;
    this.log.info({ downForMs: Date.now() - this.downSince }, "database reachable again");
    for (const callback of this.recovered) callback();
  }

  failed(error: unknown): void {
    if (!isDatabaseUnavailable(error)) {
      this.otherErrors++;
      return;
    }
    this.unavailableErrors++;
    if (!this.isUp) return;
    this.isUp = false;
    this.downSince = Date.now();
    const { code, message } = error as { code?: unknown; message?: unknown };
    this.log.error(
      { code, reason: message },
      "database unreachable: requests that need it answer 503 until it is back",
    );
    for (const callback of this.lost) callback();
  }
}
