import type { KeywardKey } from "./answers.js";

interface Entry {
  key: KeywardKey;
  expiresAt: number;
  /** The permissions Keyward confirmed for this key ("" for "any valid key"): only those are answered here. */
  confirmed: Set<string>;
}

/**
 * Accepted keys by SHA-256 of the secret, bounded (oldest first out). Only answers Keyward gave while
 * the change stream was trusted are stored; the generation guard drops an answer that a change
 * overtook while it was on its way.
 */
export class VerifierCache {
  private readonly entries = new Map<string, Entry>();
  private readonly byKeyId = new Map<string, string>();
  private readonly maxEntries: number;
  private currentGeneration = 0;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get generation(): number {
    return this.currentGeneration;
  }

  get size(): number {
    return this.entries.size;
  }

  get(hash: string, permission: string, now: number): KeywardKey | undefined {
    const entry = this.entries.get(hash);
    if (entry === undefined || !entry.confirmed.has(permission)) return undefined;
    if (now >= entry.expiresAt) {
      this.remove(hash);
      return undefined;
    }
    return entry.key;
  }

  set(hash: string, key: KeywardKey, permission: string, generationAtRequest: number): void {
    if (generationAtRequest !== this.currentGeneration || this.maxEntries === 0) return;
    const existing = this.entries.get(hash);
    if (existing !== undefined) {
      existing.confirmed.add(permission);
      return;
    }
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.remove(oldest.value);
    }
    const expiresAt = key.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(key.expiresAt);
    this.entries.set(hash, { key, expiresAt, confirmed: new Set([permission]) });
    this.byKeyId.set(key.id, hash);
  }

  dropKey(keyId: string): void {
    this.currentGeneration++;
    const hash = this.byKeyId.get(keyId);
    if (hash !== undefined) this.remove(hash);
  }

  dropOwner(ownerId: string): void {
    this.currentGeneration++;
    for (const [hash, entry] of this.entries) if (entry.key.ownerId === ownerId) this.remove(hash);
  }

  clear(): void {
    this.currentGeneration++;
    this.entries.clear();
    this.byKeyId.clear();
  }

  private remove(hash: string): void {
    const entry = this.entries.get(hash);
    this.entries.delete(hash);
    if (entry) this.byKeyId.delete(entry.key.id);
  }
}
