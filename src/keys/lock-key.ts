import type { Db } from "../db/database.js";
import { lockRowsForUpdate } from "../db/locks.js";
import { AppError } from "../errors.js";

/**
 * Locks a key's row for the rest of the transaction, before anything about the key is checked: a revoke
 * and an edit (or two of either) on different instances then take turns, and whichever goes second
 * sees the first's change — an edit never lands on a key revoked after it read the key.
 */
export async function lockKeyForChange(trx: Db, accountId: string, keyId: string): Promise<void> {
  await lockRowsForUpdate(
    trx,
    trx.selectFrom("api_keys").select("id").where("id", "=", keyId).where("account_id", "=", accountId),
  );
}

/**
 * A canary holds no permissions and its secret is planted somewhere: an edit could give it some, and a
 * roll would make the planted secret answer "rolled" instead of "unknown". It is only ever retired.
 */
export function canaryIsNotEditable(): AppError {
  return new AppError(
    "conflict",
    "A canary key can't be edited or rolled; retire it in Settings > Canary keys when it is no longer planted.",
  );
}
