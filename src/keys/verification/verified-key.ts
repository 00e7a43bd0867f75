import type { Permissions } from "../permissions.js";

/** A key that passed verification: what the routes it unlocks may know about their caller. */
export interface VerifiedKey {
  id: string;
  accountId: string;
  ownerUserId: string;
  name: string;
  /** What the key may do now: its own permissions within its owner's ceiling. */
  permissions: Permissions;
  expiresAt: string | null;
  /** The request presented the secret a roll replaced, accepted until this instant. */
  previousSecretValidUntil: string | null;
  /** The key has an IP allowlist: an answer for one address says nothing about the next. */
  isIpRestricted?: boolean;
}
