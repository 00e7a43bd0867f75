import type { Database } from "../db/database.js";
import type { VerificationChanges } from "../keys/verification/verification-changes.js";

export interface CliChanges {
  changes: VerificationChanges;
  close(): Promise<void>;
}

/**
 * How a CLI command's changes reach running servers. SQLite servers notice another connection's
 * commit themselves (`watchExternalWrites` in src/db/sqlite.ts). PostgreSQL servers are notified
 * (src/db/notifications/) and, as for a change made in the console, the command returns only once
 * every subscribed instance has acknowledged dropping the change from its cache (or was cut off).
 */
export async function cliVerificationChanges(
  database: Database,
  local: VerificationChanges,
): Promise<CliChanges> {
  const target = database.notifications;
  if (!target) return { changes: local, close: async () => {} };
  const [{ notifyingChanges }, { Acknowledgements }, { AckListener }] = await Promise.all([
    import("../db/notifications/publisher.js"),
    import("../db/notifications/acknowledgements.js"),
    import("../db/notifications/ack-listener.js"),
  ]);
  const acks = new Acknowledgements();
  const listener = new AckListener(target, acks);
  const notifying = notifyingChanges(local, database.db, target.channel, acks);
  // Listening for acknowledgements before the first notification is sent, so none is missed.
  const afterListening =
    (publish: (id: string) => Promise<void>) =>
    async (id: string): Promise<void> => {
      await listener.ready();
      await publish(id);
    };
  return {
    changes: {
      keyChanged: afterListening(notifying.keyChanged),
      ownerChanged: afterListening(notifying.ownerChanged),
      keyCreated: afterListening(notifying.keyCreated),
    },
    close: () => listener.close(),
  };
}
