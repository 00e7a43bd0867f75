/**
 * A budget of failed verifications per client address (src/abuse implements it over its counters).
 * A slot is reserved *before* an uncached key is read from the database and given back when the key
 * works, so only unknown and unusable keys spend it; past it, a client's unknown keys no longer reach
 * the database (the known-keys filter answers for them), while its working keys still do.
 */
export interface FailureBudget {
  /** Local and synchronous: ms until the address has budget again, if it is known to be spent. */
  spentForMs(ip: string): number | undefined;
  /** Takes a slot, atomically on every instance; undefined when granted, else ms until one frees. */
  reserve(ip: string): Promise<number | undefined>;
  /** Gives a reserved slot back (the key worked). */
  refund(ip: string): Promise<void>;
  /** Spends a slot on a failure answered without the database; ms to wait if the budget is now spent. */
  spend(ip: string): Promise<number | undefined>;
}
