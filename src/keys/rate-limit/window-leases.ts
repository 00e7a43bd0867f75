/** What a lease of a key's window budget gave: how many requests, and the window's state after it. */
export interface Lease {
  granted: number;
  /** Requests leased in this window by every instance, this lease included. */
  used: number;
  /** Ms until the window ends, by the shared clock (Redis's or PostgreSQL's, not this instance's). */
  resetInMs: number;
}

/**
 * Where instances take slices of a key's budget for the current window, atomically: the sum of every
 * lease in a window never exceeds `max`. Implemented over Redis (one Lua script), PostgreSQL (one
 * upsert) or one process's memory.
 */
export interface WindowLeases {
  lease(key: string, options: { max: number; windowMs: number; want: number }): Promise<Lease>;
}
