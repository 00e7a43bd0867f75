import { createPublicKey, type KeyObject, verify } from "node:crypto";

export interface GithubPublicKeysOptions {
  /** KEYWARD_SECRET_SCANNING_KEYS_URL: `{ public_keys: [{ key_identifier, key, is_current }] }`. */
  url: string;
  /** How long a fetched list is used before it is fetched again (1 h). */
  maxAgeMs?: number;
  /** An unknown identifier refetches the list at most this often (1 min). */
  refetchUnknownAfterMs?: number;
  fetch?: typeof fetch;
}

type Keys = Map<string, KeyObject>;

/**
 * GitHub's secret-scanning signing keys, cached: fetched when older than an hour (the stale list is kept
 * if the refresh fails), and refetched at once when a request names an identifier the list lacks — at
 * most once a minute, so unknown identifiers can't make Keyward hammer GitHub.
 */
export class GithubPublicKeys {
  private keys: Keys | undefined;
  private fetchedAt = 0;
  private lastUnknownRefetch = 0;
  private inflight: Promise<void> | undefined;
  private readonly maxAgeMs: number;
  private readonly refetchUnknownAfterMs: number;

  constructor(private readonly options: GithubPublicKeysOptions) {
    this.maxAgeMs = options.maxAgeMs ?? 3_600_000;
    this.refetchUnknownAfterMs = options.refetchUnknownAfterMs ?? 60_000;
  }

  /** True when `signature` (base64 DER ECDSA P-256/SHA-256) over the raw body verifies with that key. */
  async verify(identifier: string, signature: string, body: Buffer): Promise<boolean> {
    const key = await this.keyFor(identifier);
    if (key === undefined) return false;
    const der = Buffer.from(signature, "base64");
    if (der.length === 0) return false;
    try {
      return verify("sha256", body, key, der);
    } catch {
      return false;
    }
  }

  private async keyFor(identifier: string): Promise<KeyObject | undefined> {
    const now = Date.now();
    if (this.keys === undefined || now - this.fetchedAt > this.maxAgeMs) await this.refresh();
    const known = this.keys?.get(identifier);
    if (known !== undefined) return known;
    if (now - this.lastUnknownRefetch < this.refetchUnknownAfterMs) return undefined;
    this.lastUnknownRefetch = now;
    await this.refresh();
    return this.keys?.get(identifier);
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.load()
      .then((keys) => {
        this.keys = keys;
        this.fetchedAt = Date.now();
      })
      // A failed refresh keeps the stale list (and tries again on the next request past its age).
      .catch(() => {})
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }

  private async load(): Promise<Keys> {
    const response = await (this.options.fetch ?? fetch)(this.options.url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`public keys: ${response.status}`);
    const body = (await response.json()) as {
      public_keys?: Array<{ key_identifier?: unknown; key?: unknown }>;
    };
    const keys: Keys = new Map();
    for (const entry of body.public_keys ?? []) {
      if (typeof entry.key_identifier !== "string" || typeof entry.key !== "string") continue;
      try {
        keys.set(entry.key_identifier, createPublicKey(entry.key));
      } catch {
        // One malformed key must not hide the others.
      }
    }
    return keys;
  }
}
