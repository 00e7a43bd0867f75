import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { BlockedAddressError, guardedLookup, isPrivateAddress } from "./address-guard.js";

export interface SendResult {
  /** The endpoint's status code; undefined when no response came (refused, timed out, blocked). */
  statusCode: number | undefined;
  responseMs: number;
  /** Why the attempt failed, in words safe to show (never the secret or the body). */
  error: string | undefined;
}

export interface SendOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  allowPrivate: boolean;
  timeoutMs: number;
}

/**
 * POSTs one delivery. The address is checked when the connection is made (see `guardedLookup`), and
 * redirects are not followed: a 3xx is a failure, so a public URL can't bounce a delivery inward.
 */
export function sendDelivery(options: SendOptions): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      return resolve({ statusCode: undefined, responseMs: 0, error: "the URL is not valid" });
    }
    const isHttps = url.protocol === "https:";
    if (!isHttps && !(options.allowPrivate && url.protocol === "http:")) {
      return resolve({ statusCode: undefined, responseMs: 0, error: "only https URLs are allowed" });
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    // An address literal is connected to without a lookup, so it is checked here.
    if (!options.allowPrivate && isIP(host) !== 0 && isPrivateAddress(host)) {
      return resolve({ statusCode: undefined, responseMs: 0, error: "the address is private" });
    }
    const request = (isHttps ? https : http).request(url, {
      method: "POST",
      headers: { ...options.headers, "content-length": String(Buffer.byteLength(options.body)) },
      lookup: guardedLookup(options.allowPrivate) as never,
      timeout: options.timeoutMs,
      agent: false,
    });
    request.on("response", (response) => {
      const statusCode = response.statusCode ?? 0;
      // The body is read (up to a limit) only so the connection closes cleanly; it is not kept.
      let received = 0;
      response.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > 64 * 1024) response.destroy();
      });
      const done = () => {
        const isOk = statusCode >= 200 && statusCode < 300;
        resolve({
          statusCode,
          responseMs: elapsed(),
          error: isOk
            ? undefined
            : statusCode >= 300 && statusCode < 400
              ? `answered ${statusCode}; redirects are not followed`
              : `answered ${statusCode}`,
        });
      };
      response.on("end", done);
      response.on("close", done);
      response.on("error", done);
    });
    request.on("timeout", () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on("error", (error: Error) => {
      const reason =
        error instanceof BlockedAddressError || error.name === "BlockedAddressError"
          ? "the address is private"
          : error.message;
      resolve({ statusCode: undefined, responseMs: elapsed(), error: reason });
    });
    request.end(options.body);
  });
}
