import type pg from "pg";

/** No pool connection came free within KEYWARD_DATABASE_ACQUIRE_TIMEOUT_SECONDS: the request gets a 503. */
export class PoolExhaustedError extends Error {
  override name = "PoolExhaustedError";
  readonly code = "KEYWARD_POOL_EXHAUSTED";
}

/** Checks a connection out of a PostgreSQL pool; counts the waits that ran out. */
export interface PoolAcquirer {
  connect(): Promise<pg.PoolClient>;
  /** Checkouts refused because every connection stayed busy for the whole acquire timeout. */
  readonly timeouts: number;
}

/**
 * A checkout that waits at most `acquireTimeoutMs` when every connection is busy, then fails with
 * PoolExhaustedError. Opening a new connection is bounded separately (the pool's connect timeout), so
 * a slow PostgreSQL and a saturated pool are told apart. A waiter given up on keeps its place in the
 * pool's queue; the connection it gets later goes straight back.
 */
export function boundedAcquire(pool: pg.Pool, max: number, acquireTimeoutMs: number): PoolAcquirer {
  const acquirer = {
    timeouts: 0,
    async connect(): Promise<pg.PoolClient> {
      const isSaturated = pool.idleCount === 0 && pool.totalCount >= max;
      if (!isSaturated) return pool.connect();
      const pending = pool.connect();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          acquirer.timeouts++;
          reject(
            new PoolExhaustedError(
              `every one of the ${max} database connections stayed busy for ${acquireTimeoutMs} ms`,
            ),
          );
        }, acquireTimeoutMs);
      });
      try {
        return await Promise.race([pending, timeout]);
      } catch (error) {
        if (error instanceof PoolExhaustedError) {
          pending.then(
            (client) => client.release(),
            () => {},
          );
        }
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  return acquirer;
}
