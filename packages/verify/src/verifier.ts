import { createHash } from "node:crypto";
import type { KeywardKey, RejectionCode, VerifyAnswer } from "./answers.js";
import { statusOf } from "./answers.js";
import { ChangeStreamClient } from "./change-stream-client.js";
import { VerifierCache } from "./key-cache.js";

export interface KeywardVerifierOptions {
  /** Keyward's base URL, e.g. https://keys.example.com */
  url: string;
  /** A service token (kws_…) from Settings > Service tokens. */
  serviceToken: string;
  /** Accepted keys kept in memory; 0 verifies every request remotely. Default 10 000. */
  cacheSize?: number;
  /** Follow the change stream (default true). Without it nothing is cached: every request is remote. */
  subscribe?: boolean;
  /** Reported failures of the stream or of Keyward (never a key). */
  onError?: (error: unknown) => void;
}

export interface VerifyRequest {
  /** The key the client presented; undefined when it sent none. */
  key: string | undefined;
  /** What the request needs, `section:access`; absent: any valid key. */
  permission?: string;
  /** The end client's address (allowlists, failed-key limits). */
  ip?: string;
}

export interface KeywardVerifier {
  verify(request: VerifyRequest): Promise<VerifyAnswer>;
  /** Resolves once the change stream is subscribed (the cache is in use from then on). */
  ready(timeoutMs?: number): Promise<void>;
  readonly stats: {
    cacheHits: number;
    remoteVerifications: number;
    isStreaming: boolean;
    cachedKeys: number;
  };
  close(): void;
}

interface RemoteAnswer {
  valid: boolean;
  key?: KeywardKey;
  cacheable?: boolean;
  code?: RejectionCode;
  message?: string;
  required?: string;
  retryAfterSeconds?: number;
}

const keyLength = 40;

/**
 * Verifies Keyward API keys in your service. A key Keyward accepted is answered from memory while the
 * change stream is trusted; Keyward doesn't let a revoke return until this verifier has dropped the key
 * (or its stream was cut off, after which it verifies remotely until it has reconnected).
 */
export function createKeywardVerifier(options: KeywardVerifierOptions): KeywardVerifier {
  const url = options.url.replace(/\/+$/, "");
  const cache = new VerifierCache(options.cacheSize ?? 10_000);
  const stats = { cacheHits: 0, remoteVerifications: 0 };
  const stream =
    options.subscribe === false
      ? undefined
      : new ChangeStreamClient({
          url,
          serviceToken: options.serviceToken,
          onChange: (change) => {
            if (change.kind === "key" && change.id) cache.dropKey(change.id);
            else if (change.kind === "owner" && change.id) cache.dropOwner(change.id);
            else cache.clear();
          },
          // Subscribed again: whatever happened meanwhile is unknown, so start empty.
          onTrust: () => cache.clear(),
          ...(options.onError ? { onError: options.onError } : {}),
        });
  stream?.start();

  async function remote(request: VerifyRequest, hash: string | undefined): Promise<VerifyAnswer> {
    stats.remoteVerifications++;
    const generation = cache.generation;
    const wasTrusted = stream?.isTrusted === true;
    let body: RemoteAnswer;
    try {
      const response = await fetch(`${url}/service/v1/verify`, {
        method: "POST",
        headers: { authorization: `Bearer ${options.serviceToken}`, "content-type": "application/json" },
        body: JSON.stringify({
          key: request.key,
          ...(request.permission === undefined ? {} : { permission: request.permission }),
          ...(request.ip === undefined ? {} : { ip: request.ip }),
        }),
      });
      body = (await response.json()) as RemoteAnswer;
      if (!response.ok) throw new Error(`Keyward answered ${response.status}: ${JSON.stringify(body)}`);
    } catch (error) {
      options.onError?.(error);
      return unavailable;
    }
    if (body.valid && body.key) {
      if (hash !== undefined && body.cacheable && wasTrusted && stream?.isTrusted) {
        cache.set(hash, body.key, request.permission ?? "", generation);
      }
      return { valid: true, key: body.key, fromCache: false };
    }
    const code = body.code ?? "invalid_api_key";
    return {
      valid: false,
      code,
      message: body.message ?? "The API key is not valid.",
      status: statusOf(code),
      ...(body.required === undefined ? {} : { required: body.required }),
      ...(body.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: body.retryAfterSeconds }),
    };
  }

  return {
    async verify(request) {
      const { key } = request;
      if (key === undefined || key === "") return missing;
      let hash: string | undefined;
      if (stream?.isTrusted && key.length === keyLength) {
        hash = createHash("sha256").update(key).digest("hex");
        const cached = cache.get(hash, request.permission ?? "", Date.now());
        if (cached !== undefined) {
          stats.cacheHits++;
          return { valid: true, key: cached, fromCache: true };
        }
      }
      return remote(request, hash);
    },
    async ready(timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!stream?.isTrusted) {
        if (Date.now() > deadline) throw new Error("the Keyward change stream is not subscribed");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    get stats() {
      return { ...stats, isStreaming: stream?.isTrusted === true, cachedKeys: cache.size };
    },
    close() {
      stream?.close();
      cache.clear();
    },
  };
}

const missing: VerifyAnswer = {
  valid: false,
  code: "missing_api_key",
  message: "Send your API key as 'Authorization: Bearer <key>'.",
  status: 401,
};

const unavailable: VerifyAnswer = {
  valid: false,
  code: "service_unavailable",
  message: "API keys can't be verified right now; try again shortly.",
  status: 503,
};
