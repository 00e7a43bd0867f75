import type { Database } from "../db/database.js";
import type { VerificationChanges } from "../keys/verification-changes.js";

/**
 * How a CLI command's changes reach running servers. SQLite servers notice another connection's
 * commit themselves (`watchExternalWrites` in src/db/database.ts); PostgreSQL servers are notified (see src/db/notifications), and
 * the command returns only once the notification is sent.
 */
export async function cliVerificationChanges(
  database: Database,
  local: VerificationChanges,
): Promise<VerificationChanges> {
  if (!database.notifications) return local;
  const { notifyingChanges } = await import("../db/notifications.js");
  return notifyingChanges(local, database.db, database.notifications.channel);
}
