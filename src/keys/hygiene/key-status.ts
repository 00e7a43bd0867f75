import type { UsersTable } from "../../db/schema.js";
import { ownerAccessOf } from "../../users/user-view.js";

/** What a key is now, in the words the console and the CLI show. One function decides it. */
export const keyStatuses = ["active", "expiring_soon", "expired", "suspended", "rolled", "revoked"] as const;
export type KeyStatus = (typeof keyStatuses)[number];

/** Why a key is suspended: its owner lost API access, or was deactivated. */
export type SuspendedReason = "owner_lost_access" | "owner_deactivated";

/** A key is "expiring soon" this long before it expires (and a banner says so). */
export const expiringSoonMs = 7 * 86_400_000;

export interface KeyStatusFacts {
  revoked_at: string | null;
  expires_at: string | null;
  previous_key_valid_until: string | null;
  owner: Pick<UsersTable, "role" | "api_access_granted_at" | "deactivated_at">;
}

export interface KeyStatusResult {
  status: KeyStatus;
  suspendedReason: SuspendedReason | null;
}

/** Revoked, then suspended, then expired, then rolled (old secret in grace), then expiring soon. */
export function statusOfKey(facts: KeyStatusFacts, now: number): KeyStatusResult {
  if (facts.revoked_at !== null) return { status: "revoked", suspendedReason: null };
  const access = ownerAccessOf(facts.owner);
  if (access === "deactivated") return { status: "suspended", suspendedReason: "owner_deactivated" };
  if (access === "none") return { status: "suspended", suspendedReason: "owner_lost_access" };
  const expiresAt = facts.expires_at === null ? Number.POSITIVE_INFINITY : Date.parse(facts.expires_at);
  if (expiresAt <= now) return { status: "expired", suspendedReason: null };
  const graceEnds = facts.previous_key_valid_until;
  if (graceEnds !== null && Date.parse(graceEnds) > now) return { status: "rolled", suspendedReason: null };
  if (expiresAt - now <= expiringSoonMs) return { status: "expiring_soon", suspendedReason: null };
  return { status: "active", suspendedReason: null };
}
