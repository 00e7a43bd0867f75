import * as z from "zod";
import type { Db } from "../db/database.js";
import { AppError, notFound } from "../errors.js";
import { personSchema, timestampSchema } from "../shared/schemas.js";
import { type Actor, isAdministrator } from "../users/actor.js";
import { keyStatuses, statusOfKey } from "./hygiene/key-status.js";
import { effectivePermissions, samePermissions } from "./hygiene/permission-ceiling.js";
import {
  describePermissions,
  deserializePermissions,
  deserializePermissionsOrNull,
  permissionsViewSchema,
} from "./permissions.js";

/** An API key as people and the console see it: never the secret, only the hint. */
export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    hint: z.string().describe("The key's prefix and last four characters, e.g. mpk_…a1B2."),
    permissions: permissionsViewSchema,
    permissionsSummary: z.string().describe('e.g. "All permissions" or "Reporting (read)".'),
    effectivePermissions: permissionsViewSchema.describe(
      "What the key can do now: its permissions within its owner's permission ceiling.",
    ),
    effectivePermissionsSummary: z.string(),
    isLimitedByCeiling: z.boolean().describe("True when the owner's ceiling narrows the key's permissions."),
    owner: personSchema,
    status: z.enum(keyStatuses),
    suspendedReason: z
      .enum(["owner_lost_access", "owner_deactivated"])
      .nullable()
      .describe("Why a suspended key is suspended."),
    expiresAt: timestampSchema.nullable().describe("When the key stops working; null: never."),
    exceedsPolicy: z
      .boolean()
      .describe("True when the key lives longer than the account's current maximum key lifetime allows."),
    allowedIps: z
      .array(z.string())
      .nullable()
      .describe("Addresses and CIDR ranges the key may be used from; null: any address."),
    rateLimit: z.string().nullable().describe('Requests per window, e.g. "100/min"; null: not limited.'),
    rolledAt: timestampSchema.nullable(),
    previousKeyHint: z
      .string()
      .nullable()
      .describe("The replaced secret's hint while it is in its grace period."),
    previousKeyValidUntil: timestampSchema.nullable().describe("When the replaced secret stops working."),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    lastUsedAt: timestampSchema.nullable(),
    lastUsedIp: z.string().nullable(),
    revokedAt: timestampSchema.nullable(),
    revokedBy: personSchema.nullable(),
    isCanary: z
      .boolean()
      .describe("A canary: planted where it should never be used; any use raises an alert."),
    leak: z
      .object({ foundAt: timestampSchema, url: z.string() })
      .nullable()
      .describe("Where the key was found in public, when it was revoked for it."),
    statusLabel: z.string().describe('The status in words, e.g. "Revoked — found in public at <url>".'),
  })
  .meta({ id: "ApiKey" });
export type ApiKeyView = z.infer<typeof apiKeySchema>;

/** Users without API access can't see or touch keys at all. */
export function requireApiAccess(actor: Actor): void {
  if (actor.type === "user" && !actor.hasApiAccess) {
    throw new AppError("api_access_required", "You don't have API access. Ask an Administrator to grant it.");
  }
}

/** Base query: the account's keys with owner, revoker and policy; Managers see only their own. */
export function selectVisibleKeys(db: Db, actor: Actor) {
  let query = db
    .selectFrom("api_keys as k")
    .innerJoin("users as o", "o.id", "k.owner_user_id")
    .innerJoin("accounts as a", "a.id", "k.account_id")
    .leftJoin("users as r", "r.id", "k.revoked_by_user_id")
    .select([
      "k.id",
      "k.name",
      "k.hint",
      "k.permissions",
      "k.owner_user_id",
      "k.created_at",
      "k.updated_at",
      "k.last_used_at",
      "k.last_used_ip",
      "k.revoked_at",
      "k.expires_at",
      "k.allowed_ips",
      "k.rolled_at",
      "k.rate_limit",
      "k.previous_key_hint",
      "k.previous_key_valid_until",
      "k.is_canary",
      "k.leaked_at",
      "k.leak_url",
      "o.email as owner_email",
      "o.name as owner_name",
      "o.role as owner_role",
      "o.api_access_granted_at as owner_api_access_granted_at",
      "o.deactivated_at as owner_deactivated_at",
      "o.permission_ceiling as owner_permission_ceiling",
      "a.max_key_lifetime_seconds",
      "r.id as revoker_id",
      "r.email as revoker_email",
      "r.name as revoker_name",
    ])
    .where("k.account_id", "=", actor.accountId);
  if (!isAdministrator(actor) && actor.type === "user")
    query = query.where("k.owner_user_id", "=", actor.userId);
  return query;
}

type KeyRow = Awaited<ReturnType<ReturnType<typeof selectVisibleKeys>["executeTakeFirstOrThrow"]>>;

export function toKeyView(row: KeyRow, now = Date.now()): ApiKeyView {
  const permissions = deserializePermissions(row.permissions);
  const ceiling =
    row.owner_role === "administrator" ? null : deserializePermissionsOrNull(row.owner_permission_ceiling);
  const effective = effectivePermissions(permissions, ceiling);
  const { status, suspendedReason } = statusOfKey(
    {
      revoked_at: row.revoked_at,
      expires_at: row.expires_at,
      previous_key_valid_until: row.previous_key_valid_until,
      owner: {
        role: row.owner_role,
        api_access_granted_at: row.owner_api_access_granted_at,
        deactivated_at: row.owner_deactivated_at,
      },
    },
    now,
  );
  const inGrace = row.previous_key_valid_until !== null && Date.parse(row.previous_key_valid_until) > now;
  return {
    id: row.id,
    name: row.name,
    hint: row.hint,
    permissions,
    permissionsSummary: describePermissions(permissions),
    effectivePermissions: effective,
    effectivePermissionsSummary: describePermissions(effective),
    isLimitedByCeiling: !samePermissions(permissions, effective),
    owner: { id: row.owner_user_id, email: row.owner_email, name: row.owner_name },
    status,
    suspendedReason,
    expiresAt: row.expires_at,
    exceedsPolicy: exceedsLifetime(row, now),
    allowedIps: row.allowed_ips === null ? null : (JSON.parse(row.allowed_ips) as string[]),
    rateLimit: row.rate_limit,
    rolledAt: row.rolled_at,
    previousKeyHint: inGrace ? row.previous_key_hint : null,
    previousKeyValidUntil: inGrace ? row.previous_key_valid_until : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    revokedAt: row.revoked_at,
    revokedBy:
      row.revoker_id && row.revoker_email && row.revoker_name !== null
        ? { id: row.revoker_id, email: row.revoker_email, name: row.revoker_name }
        : null,
    isCanary: row.is_canary === 1,
    leak:
      row.leaked_at !== null && row.leak_url !== null ? { foundAt: row.leaked_at, url: row.leak_url } : null,
    statusLabel: statusLabelOf(status, row.revoked_at !== null ? row.leak_url : null),
  };
}

const statusWords: Record<ApiKeyView["status"], string> = {
  active: "Active",
  expiring_soon: "Expiring soon",
  expired: "Expired",
  suspended: "Suspended",
  rolled: "Rolled",
  revoked: "Revoked",
};

/** The status as people read it; a key revoked because it leaked says where it was found. */
function statusLabelOf(status: ApiKeyView["status"], leakUrl: string | null): string {
  if (status === "revoked" && leakUrl !== null) return `Revoked — found in public at ${leakUrl}`;
  return statusWords[status];
}

/** A live key that outlives the account's current maximum (lowered after it was made). */
function exceedsLifetime(row: KeyRow, now: number): boolean {
  const max = row.max_key_lifetime_seconds;
  if (max === null || row.revoked_at !== null) return false;
  return row.expires_at === null || Date.parse(row.expires_at) > now + max * 1000 + 1000;
}

/** One key the actor may see; another account's or another Manager's key is not found. */
export async function getKey(db: Db, options: { actor: Actor; keyId: string }): Promise<ApiKeyView> {
  requireApiAccess(options.actor);
  const row = await selectVisibleKeys(db, options.actor).where("k.id", "=", options.keyId).executeTakeFirst();
  if (!row) throw notFound("API key");
  return toKeyView(row);
}
