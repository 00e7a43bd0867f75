import { createHmac, timingSafeEqual } from "node:crypto";

/** The identity the gateway forwards, and what its signature covers. */
export interface ForwardedIdentity {
  keyId: string;
  accountId: string;
  /** `all`, or e.g. `orders:write,reporting:read` (sorted). */
  permissions: string;
}

export const identityHeaders = {
  keyId: "x-keyward-key-id",
  accountId: "x-keyward-account-id",
  permissions: "x-keyward-permissions",
  signature: "x-keyward-signature",
} as const;

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256>` over `t\nMETHOD\n/path?query\nkeyId\naccountId\npermissions`:
 * an upstream that checks it knows the gateway sent these headers for this request, recently.
 */
export function signIdentity(
  secret: string,
  method: string,
  url: string,
  identity: ForwardedIdentity,
  now = Date.now(),
) {
  const timestamp = Math.floor(now / 1000);
  return `t=${timestamp},v1=${digest(secret, timestamp, method, url, identity)}`;
}

/** For upstreams written in Node (README has the same in a few lines): true when the signature holds. */
export function verifyIdentitySignature(
  secret: string,
  request: { method: string; url: string; headers: Record<string, string | string[] | undefined> },
  maxAgeSeconds = 300,
  now = Date.now(),
): boolean {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === "string" ? value : undefined;
  };
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header(identityHeaders.signature) ?? "");
  const keyId = header(identityHeaders.keyId);
  const accountId = header(identityHeaders.accountId);
  const permissions = header(identityHeaders.permissions);
  if (!match || keyId === undefined || accountId === undefined || permissions === undefined) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(now / 1000 - timestamp) > maxAgeSeconds) return false;
  const expected = Buffer.from(
    digest(secret, timestamp, request.method, request.url, { keyId, accountId, permissions }),
  );
  const given = Buffer.from(match[2] ?? "");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function digest(
  secret: string,
  timestamp: number,
  method: string,
  url: string,
  identity: ForwardedIdentity,
): string {
  const text = [
    timestamp,
    method.toUpperCase(),
    url,
    identity.keyId,
    identity.accountId,
    identity.permissions,
  ].join("\n");
  return createHmac("sha256", secret).update(text).digest("hex");
}
