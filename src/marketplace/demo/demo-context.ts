import type { DemoIdPrefix } from "./demo-ids.js";
import type { Random } from "./random.js";

/** What every demo generator shares: the seeded randomness, the account, its clock and its ids. */
export interface DemoContext {
  random: Random;
  accountId: string;
  now: Date;
  idOf(prefix: DemoIdPrefix, sequence: number): string;
}
