import type { Permissions } from "./permissions.js";

/** A key that passed verification: what marketplace routes may know about their caller. */
export interface VerifiedKey {
  id: string;
  accountId: string;
  ownerUserId: string;
  name: string;
  permissions: Permissions;
}
