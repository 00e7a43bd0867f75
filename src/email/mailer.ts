import type nodemailer from "nodemailer";
import { loadOnUse } from "../shared/load-on-use.js";

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends one email; rejects when the server refuses it (the worker retries). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** A mailer for KEYWARD_SMTP_URL (smtp:// or smtps://, credentials in the URL) sending as `from`. */
export function smtpMailer(options: { url: string; from: string }): Mailer {
  const { createTransport } = loadOnUse("nodemailer") as typeof nodemailer;
  const transport = createTransport(options.url);
  return {
    async send(message) {
      await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
      });
    },
    close() {
      transport.close();
    },
  };
}
