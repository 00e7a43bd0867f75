import { createHmac, randomBytes } from "node:crypto";

const secretPrefix = "whsec_";

/** A new signing secret, `whsec_` + base64 of 24 random bytes (the Standard Webhooks format). */
export function newSigningSecret(): string {
  return secretPrefix + randomBytes(24).toString("base64");
}

/**
 * The Standard Webhooks signature of one delivery: `v1,` + base64 HMAC-SHA256, keyed with the secret's
 * bytes, over `<webhook-id>.<webhook-timestamp>.<body>`. The `standardwebhooks` package verifies it.
 */
export function signDelivery(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.slice(secretPrefix.length), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** The headers of one attempt. */
export function deliveryHeaders(
  secret: string,
  id: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return {
    "content-type": "application/json",
    "user-agent": "Keyward-Webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signDelivery(secret, id, timestamp, body),
  };
}
