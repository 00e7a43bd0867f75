import type { Database } from "../db/database.js";
import type { VerificationChanges } from "../keys/verification-changes.js";

/**
 * How a CLI command's changes reach running servers. SQLite servers notice another connection's
 * commit through PRAGMA data_version; PostgreSQL servers are notified (see src/db/notifications).
 */
export async function cliVerificationChanges(
  _database: Database,
  local: VerificationChanges,
): Promise<VerificationChanges> {
  return local;
}
