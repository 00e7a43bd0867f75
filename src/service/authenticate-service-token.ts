import type { Db } from "../db/database.js";
import { AppError } from "../errors.js";
import { nowIso } from "../shared/time.js";
import { hashServiceToken, isWellFormedServiceToken } from "./service-token-format.js";

/** The backend a verification or change-stream request comes from. */
export interface ServiceCaller {
  tokenId: string;
  accountId: string;
}

interface Remembered {
  caller: ServiceCaller | null;
  checkedAt: number;
  usedAt: number;
}

export interface ServiceTokenAuthenticatorOptions {
  db: Db;
  /** How long an answer is reused: a revoked token is refused on every instance within this. */
  maxAgeMs?: number;
  maxEntries?: number;
}

/**
 * Checks `Authorization: Bearer kws_…`. Every verification carries the token, so answers are
 * remembered briefly (1 s by default) by the token's SHA-256; a revoke on this instance forgets at once.
 */
export class ServiceTokenAuthenticator {
  private readonly options: ServiceTokenAuthenticatorOptions;
  private readonly remembered = new Map<string, Remembered>();

  constructor(options: ServiceTokenAuthenticatorOptions) {
    this.options = options;
  }

  /** The caller, or an `invalid_service_token` AppError. Never says which part of a token was wrong. */
  async authenticate(presented: string | undefined): Promise<ServiceCaller> {
    if (presented === undefined || presented === "") {
      throw new AppError("invalid_service_token", "Send a service token as 'Authorization: Bearer kws_…'.");
    }
    if (!isWellFormedServiceToken(presented)) throw invalidToken();
    const hash = hashServiceToken(presented);
    const now = Date.now();
    let entry = this.remembered.get(hash);
    if (entry === undefined || now - entry.checkedAt > (this.options.maxAgeMs ?? 1_000)) {
      entry = { caller: await this.read(hash), checkedAt: now, usedAt: entry?.usedAt ?? 0 };
      this.remember(hash, entry);
    }
    const { caller } = entry;
    if (caller === null) throw invalidToken();
    if (now - entry.usedAt > 60_000) {
      entry.usedAt = now;
      void this.options.db
        .updateTable("service_tokens")
        .set({ last_used_at: nowIso() })
        .where("id", "=", caller.tokenId)
        .execute()
        .catch(() => {});
    }
    return caller;
  }

  /** Forgets a token at once (it was revoked on this instance). */
  forget(tokenId: string): void {
    for (const [hash, entry] of this.remembered) {
      if (entry.caller?.tokenId === tokenId) this.remembered.delete(hash);
    }
  }

  private async read(hash: string): Promise<ServiceCaller | null> {
    const row = await this.options.db
      .selectFrom("service_tokens")
      .select(["id", "account_id", "revoked_at"])
      .where("token_hash", "=", hash)
      .executeTakeFirst();
    if (!row || row.revoked_at !== null) return null;
    return { tokenId: row.id, accountId: row.account_id };
  }

  private remember(hash: string, entry: Remembered): void {
    if (this.remembered.size >= (this.options.maxEntries ?? 10_000)) {
      const oldest = this.remembered.keys().next();
      if (!oldest.done) this.remembered.delete(oldest.value);
    }
    this.remembered.delete(hash);
    this.remembered.set(hash, entry);
  }
}

function invalidToken(): AppError {
  return new AppError("invalid_service_token", "The service token is not valid or was revoked.");
}
