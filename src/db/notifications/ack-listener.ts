import pg from "pg";
import type { NotificationTarget } from "../database.js";
import type { Acknowledgements } from "./acknowledgements.js";
import { ackChannelOf } from "./protocol.js";

/**
 * Hears acknowledgements only: for a publisher with no cache of its own (the CLI), which must wait
 * for every instance like the console does but owes no acknowledgement itself. It is not named as a
 * listener, so no publisher waits for it. Connects on first use: a command that changes nothing
 * opens no connection.
 */
export class AckListener {
  private readonly target: NotificationTarget;
  private readonly acks: Acknowledgements;
  private connecting: Promise<pg.Client> | undefined;

  constructor(target: NotificationTarget, acks: Acknowledgements) {
    this.target = target;
    this.acks = acks;
  }

  /** Resolves once acknowledgements on the channel reach `acks`; call before the notification is sent. */
  ready(): Promise<unknown> {
    this.connecting ??= this.connect();
    return this.connecting;
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = undefined;
    const client = await connecting?.catch(() => undefined);
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<pg.Client> {
    const ackChannel = ackChannelOf(this.target.channel);
    const client = new pg.Client({ ...this.target.connection, application_name: "keyward-cli" });
    client.on("error", () => {});
    client.on("notification", (message) => {
      if (message.channel === ackChannel) this.acks.receive(message.payload ?? "");
    });
    try {
      await client.connect();
      await client.query(`listen ${client.escapeIdentifier(ackChannel)}`);
      return client;
    } catch (error) {
      this.connecting = undefined;
      await client.end().catch(() => {});
      throw error;
    }
  }
}
