import type { Config } from "../config.js";
import type { Db } from "../db/database.js";
import { type Mailer, smtpMailer } from "../email/mailer.js";
import { OutboxWorker } from "../webhooks/outbox-worker.js";
import { CanaryAlerts } from "./canary-alerts.js";
import { GithubPublicKeys } from "./github-public-keys.js";

export interface LeakServices {
  canaryAlerts: CanaryAlerts;
  publicKeys: GithubPublicKeys;
  /** Fans out the outbox and sends webhooks and emails; every instance runs one. */
  worker: OutboxWorker;
  mailer: Mailer | undefined;
}

interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** The background parts of leak handling, webhooks and email, built from the configuration. */
export function createLeakServices(config: Config, db: Db, log: Log): LeakServices {
  const { email, webhooks } = config;
  const mailer =
    email.smtpUrl !== undefined && email.from !== undefined
      ? smtpMailer({ url: email.smtpUrl, from: email.from })
      : undefined;
  return {
    canaryAlerts: new CanaryAlerts({
      db,
      onError: (error) => log.error({ err: error }, "could not record a canary alert"),
    }),
    publicKeys: new GithubPublicKeys({ url: config.leaks.secretScanningKeysUrl }),
    mailer,
    worker: new OutboxWorker({
      db,
      mailer,
      isEmailOn: mailer !== undefined,
      publicUrl: email.publicUrl,
      allowPrivate: webhooks.allowPrivate,
      timeScale: webhooks.timeScale,
      pollMs: webhooks.pollMs,
      leaseMs: Math.max(30_000, webhooks.timeoutMs * 3),
      requestTimeoutMs: webhooks.timeoutMs,
      log,
    }),
  };
}

/** The start-up line about email: on (and from whom), or off and why. */
export function describeEmail(config: Config): string {
  const { smtpUrl, from } = config.email;
  if (smtpUrl === undefined || from === undefined) {
    return "email is off (set KEYWARD_SMTP_URL and KEYWARD_EMAIL_FROM); console notifications still work";
  }
  return `email is on, sent as ${from}`;
}
