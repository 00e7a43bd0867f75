import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { AppError } from "../errors.js";
import { newId } from "../shared/ids.js";
import { nowIso } from "../shared/time.js";
import { parseInput } from "../shared/validation.js";
import type { Actor } from "../users/actor.js";
import { generateKey } from "./key-format.js";
import { keyNameSchema, permissionsSchema } from "./key-schemas.js";
import { type ApiKeyView, getKey, requireApiAccess } from "./key-view.js";
import { type Permissions, serializePermissions, validatePermissions } from "./permissions.js";

export interface CreateKeyOptions {
  actor: Actor;
  name: string;
  permissions: Permissions;
}

export interface CreateKeyResult {
  key: ApiKeyView;
  /** The full key. Returned here once; Keyward keeps only its SHA-256. */
  secret: string;
}

/** Generates a key owned by the acting user, who must have API access. */
export async function createKey(ctx: Context, options: CreateKeyOptions): Promise<CreateKeyResult> {
  const { actor } = options;
  if (actor.type !== "user")
    throw new AppError("invalid_request", "owner: an API key must be owned by a user.");
  requireApiAccess(actor);
  const name = parseInput(keyNameSchema, options.name, "name");
  const permissions = validatePermissions(parseInput(permissionsSchema, options.permissions, "permissions"));
  const generated = generateKey();
  const id = newId("key");
  const now = nowIso();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("api_keys")
      .values({
        id,
        account_id: actor.accountId,
        owner_user_id: actor.userId,
        name,
        key_hash: generated.hash,
        hint: generated.hint,
        permissions: serializePermissions(permissions),
        created_at: now,
        created_by_user_id: actor.userId,
        updated_at: now,
        revoked_at: null,
        revoked_by_user_id: null,
        last_used_at: null,
        last_used_ip: null,
      })
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "api_key.created",
      target: { type: "api_key", id },
      details: { after: { name, permissions }, hint: generated.hint },
    });
  });
  return { key: await getKey(ctx.db, { actor, keyId: id }), secret: generated.secret };
}
