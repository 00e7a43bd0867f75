/**
 * Waits before each retry after a failed attempt (seconds): 5 s, 1 min, 5 min, 30 min, 1 h, 2 h, 4 h,
 * 8 h, 8 h — about 24 hours from the first attempt to the tenth and last. Scaled by
 * KEYWARD_WEBHOOK_TIME_SCALE (tests run the whole schedule in well under a second).
 */
export const retryDelaysSeconds = [5, 60, 300, 1800, 3600, 7200, 14_400, 28_800, 28_800];

/** An endpoint whose deliveries have failed this long without one success is disabled. */
export const disableAfterSeconds = 86_400;

export const maxAttempts = retryDelaysSeconds.length + 1;

/** The wait after the `attempt`-th failure (1-based), ±20 % jitter so failing endpoints don't move in step. */
export function retryDelayMs(attempt: number, timeScale: number, random = Math.random): number | undefined {
  const base = retryDelaysSeconds[attempt - 1];
  if (base === undefined) return undefined;
  const jitter = 0.8 + random() * 0.4;
  return Math.round(base * 1000 * jitter * timeScale);
}
