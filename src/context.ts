import type { Db } from "./db/database.js";
import type { VerificationChanges } from "./keys/verification/verification-changes.js";

/** What every domain operation needs: the data-access handle and where verification changes go. */
export interface Context {
  db: Db;
  changes: VerificationChanges;
}
