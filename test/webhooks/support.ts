import { generateKeyPairSync, sign } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { Webhook } from "standardwebhooks";
import { createTestApp, type TestApp, type TestAppOptions } from "../support/test-app.js";

/** One request a receiver got. */
export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A real local HTTP server standing in for an integrator's webhook endpoint. */
export interface Receiver {
  url: string;
  received: Received[];
  /** The status to answer each request with, by arrival (default 200). */
  answer: (index: number) => number;
  close(): Promise<void>;
}

export async function startReceiver(answer: (index: number) => number = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const receiver: Receiver = { url: "", received, answer, close: async () => {} };
  const server: Server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk) => {
      body += String(chunk);
    });
    request.on("end", () => {
      const index = received.length;
      received.push({ headers: request.headers, body });
      response.statusCode = receiver.answer(index);
      response.end("ok");
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () => new Promise((resolve) => server.close(() => resolve()));
  return receiver;
}

/** Verifies a delivery as an integrator would, with the `standardwebhooks` package; returns the payload. */
export function verifyDelivery(
  secret: string,
  delivery: Received,
): { id: string; type: string; data: Record<string, unknown> } {
  const headers = {
    "webhook-id": String(delivery.headers["webhook-id"]),
    "webhook-timestamp": String(delivery.headers["webhook-timestamp"]),
    "webhook-signature": String(delivery.headers["webhook-signature"]),
  };
  return new Webhook(secret).verify(delivery.body, headers) as {
    id: string;
    type: string;
    data: Record<string, unknown>;
  };
}

/** GitHub's side of secret scanning: an ECDSA P-256 key pair made here, its public key served locally. */
export interface FakeGithub {
  url: string;
  identifier: string;
  /** base64 DER signature over the exact bytes, as GitHub sends it. */
  sign(body: string): string;
  close(): Promise<void>;
}

export async function startGithubKeys(): Promise<FakeGithub> {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const identifier = `test-key-${Date.now()}`;
  const pem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const server = createServer((_request, response) => {
    response.setHeader("content-type", "application/json");
    response.end(
      JSON.stringify({ public_keys: [{ key_identifier: identifier, key: pem, is_current: true }] }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/meta/public_keys/secret_scanning`,
    identifier,
    sign: (body) => sign("sha256", Buffer.from(body), privateKey).toString("base64"),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface Mail {
  from: string;
  to: string[];
  text: string;
}

/** A real SMTP server (the `smtp-server` package) collecting what Keyward sends. */
export interface MailServer {
  url: string;
  mails: Mail[];
  close(): Promise<void>;
}

export async function startMailServer(): Promise<MailServer> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      let text = "";
      stream.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((to) => to.address),
          text: decodeQuotedPrintable(text),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The app with webhooks allowed to reach this machine, a fast worker and the retry schedule shrunk. */
export function createLeakTestApp(
  options: TestAppOptions & { env?: Record<string, string> } = {},
): Promise<TestApp> {
  return createTestApp({
    ...options,
    env: {
      KEYWARD_WEBHOOKS_ALLOW_PRIVATE: "true",
      KEYWARD_OUTBOX_POLL_MS: "25",
      // The whole ~24 h schedule in under a second.
      KEYWARD_WEBHOOK_TIME_SCALE: "0.00001",
      KEYWARD_LOG_LEVEL: "warn",
      ...options.env,
    },
  });
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 15_000,
): Promise<Exclude<T, false | undefined>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The message as a reader sees it: quoted-printable soft breaks and escapes undone. */
function decodeQuotedPrintable(text: string): string {
  return Buffer.from(
    text
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    "latin1",
  ).toString("utf8");
}
