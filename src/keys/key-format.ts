import { hash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * Key string: `mpk_` + 30 base62 characters from a CSPRNG (178 bits) + a 6-character base62 CRC32 of
 * everything before it — GitHub's token scheme. A mistyped or truncated key fails the checksum and is
 * rejected without a database lookup, and secret scanners can match `keyPattern` with few false hits.
 */
export const keyPrefix = "mpk_";
const randomLength = 30;
const checksumLength = 6;
export const keyLength = keyPrefix.length + randomLength + checksumLength;

/** The regex for secret scanners (documented in README). */
export const keyPattern = /\bmpk_[0-9A-Za-z]{36}\b/;

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export interface GeneratedKey {
  /** The full key: shown to the user once, never stored. */
  secret: string;
  /** SHA-256 (hex) of the full key: what the database stores and looks up. */
  hash: string;
  /** What people see afterwards, e.g. `mpk_…a1B2`. */
  hint: string;
}

export function generateKey(): GeneratedKey {
  const body = keyPrefix + randomBase62(randomLength);
  const secret = body + checksumOf(body);
  return { secret, hash: hashKey(secret), hint: hintOf(secret) };
}

/** True when the string has the key's shape and its checksum matches. Costs no I/O. */
export function isWellFormedKey(candidate: string): boolean {
  if (candidate.length !== keyLength || !candidate.startsWith(keyPrefix)) return false;
  for (let i = keyPrefix.length; i < keyLength; i++) {
    if (base62Value(candidate.charCodeAt(i)) < 0) return false;
  }
  const body = candidate.slice(0, keyLength - checksumLength);
  return candidate.endsWith(checksumOf(body));
}

export function hashKey(secret: string): string {
  // One-shot hash: no Hash object per verification (Node 20.12+).
  return hash("sha256", secret, "hex");
}

export function hintOf(secret: string): string {
  return `${keyPrefix}…${secret.slice(-4)}`;
}

function checksumOf(body: string): string {
  let value = crc32(body);
  let out = "";
  for (let i = 0; i < checksumLength; i++) {
    out = base62[value % 62] + out;
    value = Math.floor(value / 62);
  }
  return out;
}

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    // Rejection sampling: bytes >= 248 would bias the first 248 % 62 characters.
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += base62[byte % 62];
    }
  }
  return out;
}

function base62Value(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 90) return code - 55;
  if (code >= 97 && code <= 122) return code - 61;
  return -1;
}

/** A secret of the key's format under another prefix (service tokens are `kws_`): same entropy and checksum. */
export function generatePrefixedSecret(prefix: string): GeneratedKey {
  const body = prefix + randomBase62(randomLength);
  const secret = body + checksumOf(body);
  return { secret, hash: hashKey(secret), hint: `${prefix}…${secret.slice(-4)}` };
}

/** `isWellFormedKey` for a secret under another prefix. */
export function isWellFormedPrefixed(prefix: string, candidate: string): boolean {
  const length = prefix.length + randomLength + checksumLength;
  if (candidate.length !== length || !candidate.startsWith(prefix)) return false;
  for (let i = prefix.length; i < length; i++) {
    if (base62Value(candidate.charCodeAt(i)) < 0) return false;
  }
  return candidate.endsWith(checksumOf(candidate.slice(0, length - checksumLength)));
}
