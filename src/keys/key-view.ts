import type { Db } from "../db/database.js";
import { AppError, notFound } from "../errors.js";
import { type Actor, isAdministrator } from "../users/actor.js";
import { describePermissions, deserializePermissions, type Permissions } from "./permissions.js";

interface PersonRef {
  id: string;
  email: string;
  name: string;
}

/** An API key as people and the console see it: never the secret, only the hint. */
export interface ApiKeyView {
  id: string;
  name: string;
  hint: string;
  permissions: Permissions;
  permissionsSummary: string;
  owner: PersonRef;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  status: "active" | "revoked";
  revokedAt: string | null;
  revokedBy: PersonRef | null;
}

/** Users without API access can't see or touch keys at all. */
export function requireApiAccess(actor: Actor): void {
  if (actor.type === "user" && !actor.hasApiAccess) {
    throw new AppError("api_access_required", "You don't have API access. Ask an Administrator to grant it.");
  }
}

/** Base query: the account's keys with owner and revoker; Managers see only their own. */
export function selectVisibleKeys(db: Db, actor: Actor) {
  let query = db
    .selectFrom("api_keys as k")
    .innerJoin("users as o", "o.id", "k.owner_user_id")
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
      "o.email as owner_email",
      "o.name as owner_name",
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

export function toKeyView(row: KeyRow): ApiKeyView {
  const permissions = deserializePermissions(row.permissions);
  return {
    id: row.id,
    name: row.name,
    hint: row.hint,
    permissions,
    permissionsSummary: describePermissions(permissions),
    owner: { id: row.owner_user_id, email: row.owner_email, name: row.owner_name },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastUsedAt: row.last_used_at,
    lastUsedIp: row.last_used_ip,
    status: row.revoked_at === null ? "active" : "revoked",
    revokedAt: row.revoked_at,
    revokedBy:
      row.revoker_id && row.revoker_email && row.revoker_name !== null
        ? { id: row.revoker_id, email: row.revoker_email, name: row.revoker_name }
        : null,
  };
}

/** One key the actor may see; another account's or another Manager's key is not found. */
export async function getKey(db: Db, options: { actor: Actor; keyId: string }): Promise<ApiKeyView> {
  requireApiAccess(options.actor);
  const row = await selectVisibleKeys(db, options.actor).where("k.id", "=", options.keyId).executeTakeFirst();
  if (!row) throw notFound("API key");
  return toKeyView(row);
}
