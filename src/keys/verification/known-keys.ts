/**
 * Which key hashes exist, in a Bloom filter: lets verification tell a client that has spent its
 * failure budget "that is not a key" without a database lookup, while any real key — even one not in
 * the cache after a restart — still reaches the database and works. ~10 bits per key, 7 probes: about
 * 1 % of unknown hashes look known (and are then looked up); a known hash never looks unknown.
 *
 * It must never miss a key, so it says "complete" only once built from the database and while every
 * key created since has been added; anything that may have missed one (another process's write, a
 * lost notification connection) marks it incomplete until it is rebuilt, and an incomplete filter
 * answers "maybe" for everything.
 */
export class KnownKeys {
  private bits: Uint32Array;
  private bitCount: number;
  private added = 0;
  private complete = false;
  /** Bumped by every event that may have made it miss a key: a rebuild started earlier can't complete it. */
  private epoch = 0;
  /** While a rebuild reads the database: keys added meanwhile, to add to the new filter too. */
  private addedDuringRebuild: string[] | undefined;

  constructor(expectedKeys = 1024) {
    this.bitCount = sizeFor(expectedKeys);
    this.bits = new Uint32Array(this.bitCount / 32);
  }

  get isComplete(): boolean {
    return this.complete;
  }

  /** The number of keys added since the last rebuild; a rebuild is due when it outgrows the size. */
  get isCrowded(): boolean {
    return this.added * 10 > this.bitCount;
  }

  /** False only when the hash is certainly not a key's (and the filter is complete). */
  mightContain(hash: string): boolean {
    if (!this.complete) return true;
    for (let probe = 0; probe < probes; probe++) {
      const bit = probeOf(hash, probe) % this.bitCount;
      if ((this.bits[bit >>> 5] ?? 0) & (1 << (bit & 31))) continue;
      return false;
    }
    return true;
  }

  add(hash: string): void {
    for (let probe = 0; probe < probes; probe++) {
      const bit = probeOf(hash, probe) % this.bitCount;
      const word = bit >>> 5;
      this.bits[word] = (this.bits[word] ?? 0) | (1 << (bit & 31));
    }
    this.added++;
    this.addedDuringRebuild?.push(hash);
  }

  /** Something may have created a key this filter did not hear of: stop answering "no". */
  markIncomplete(): void {
    this.complete = false;
    this.epoch++;
  }

  /**
   * Replaces the filter with every hash `load` yields. Completes it only if nothing marked it
   * incomplete meanwhile; keys added meanwhile are kept (they are added to the new filter too).
   */
  async rebuild(keyCount: number, load: (add: (hash: string) => void) => Promise<void>): Promise<boolean> {
    const epochAtStart = this.epoch;
    const fresh = new KnownKeys(Math.max(1024, keyCount * 2));
    const addedMeanwhile: string[] = [];
    this.addedDuringRebuild = addedMeanwhile;
    try {
      await load((hash) => fresh.add(hash));
    } finally {
      this.addedDuringRebuild = undefined;
    }
    for (const hash of addedMeanwhile) fresh.add(hash);
    this.bits = fresh.bits;
    this.bitCount = fresh.bitCount;
    this.added = fresh.added;
    this.complete = this.epoch === epochAtStart;
    return this.complete;
  }
}

const probes = 7;

/** A power of two of at least 10 bits per expected key (32-bit words). */
function sizeFor(expectedKeys: number): number {
  let bits = 1024;
  while (bits < expectedKeys * 10) bits *= 2;
  return bits;
}

/**
 * The probe-th 32-bit word of the SHA-256 (hex) itself: the hash is already uniform, so it needs no
 * hashing of its own. Words 0–6 of the 8 the hash has.
 */
function probeOf(hash: string, probe: number): number {
  return Number.parseInt(hash.slice(probe * 8, probe * 8 + 8), 16) >>> 0;
}
