// The verification cache's own memory per entry, without the server around it: fills a KeyCache through
// the real cache-miss reader with rows as the database returns them (fresh strings), each entry then
// evaluated once as a request does, and measures what a cache of the larger size adds to the heap after
// a full GC (a smaller one is filled first, so the figure excludes start-up allocations). Runs in its
// own process with --expose-gc (`cacheMemoryPerEntry`).
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import type { KeyHashRow } from "../src/db/key-lookup.js";
import { evaluate } from "../src/keys/verification/evaluate.js";
import { digestOfKey, hexOfDigest, KeyCache } from "../src/keys/verification/key-cache.js";
import { readKeyByHash } from "../src/keys/verification/read-key.js";
import { newId } from "../src/shared/ids.js";

export interface CacheMemoryFigures {
  smallEntries: number;
  largeEntries: number;
  /** Heap bytes per entry between the two sizes, after a full GC. */
  heapBytesPerEntry: number;
}

/** Runs this file in a child process (it needs --expose-gc) and returns its figures. */
export function cacheMemoryPerEntry(smallEntries: number, largeEntries: number): CacheMemoryFigures {
  const output = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", resolve(import.meta.dirname, "cache-memory.ts")],
    { env: { ...process.env, BENCH_CACHE_MEMORY: `${smallEntries},${largeEntries}` } },
  );
  return JSON.parse(output.toString()) as CacheMemoryFigures;
}

/** A string as the database driver hands it over: its own flat copy, not shared with any other. */
const fresh = (text: string) => Buffer.from(text).toString();

async function measure(smallEntries: number, largeEntries: number): Promise<CacheMemoryFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  const accountId = newId("acc");
  const ownerId = newId("usr");
  const reader = readKeyByHash(
    async (hash): Promise<KeyHashRow> => ({
      id: fresh(newId("key")),
      account_id: fresh(accountId),
      owner_user_id: fresh(ownerId),
      name: fresh(`Integration ${hash.slice(0, 8)}`),
      permissions: fresh('{"all":false,"sections":{"reporting":"read","orders":"write"}}'),
      revoked_at: null,
      key_hash: hash,
      expires_at: null,
      allowed_ips: null,
      previous_key_valid_until: null,
      rolled_at: null,
      rate_limit: null,
      is_canary: 0,
      hint: fresh(hash.slice(0, 4)),
      role: "administrator",
      api_access_granted_at: null,
      deactivated_at: null,
      permission_ceiling: null,
    }),
  );
  const fill = async (entries: number) => {
    const cache = new KeyCache({ maxEntries: entries, maxAgeMs: Number.POSITIVE_INFINITY });
    for (let i = 0; i < entries; i++) {
      // Keyed as the verifier keys it; the reader gets the hex form, as on a miss.
      const digest = digestOfKey(`${i}:${Math.random()}`);
      const entry = await reader(hexOfDigest(digest));
      cache.set(digest, entry, cache.generation);
      // As the server does on the request that read it: the entry keeps its answer.
      if (!evaluate(entry, { ip: "192.0.2.1" }, Date.now()).valid) throw new Error("a key was refused");
    }
    return cache;
  };
  const heap = () => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  const caches = [await fill(smallEntries)];
  const withSmall = heap();
  caches.push(await fill(largeEntries));
  const withBoth = heap();
  if (caches.some((cache, index) => cache.size !== [smallEntries, largeEntries][index]))
    throw new Error("a cache did not fill");
  // The large cache alone: heap with both minus heap with the small one.
  return { smallEntries, largeEntries, heapBytesPerEntry: (withBoth - withSmall) / largeEntries };
}

if (process.env.BENCH_CACHE_MEMORY && process.argv[1]?.endsWith("cache-memory.ts")) {
  const [small, large] = process.env.BENCH_CACHE_MEMORY.split(",").map(Number) as [number, number];
  process.stdout.write(`${JSON.stringify(await measure(small, large))}\n`);
}
