import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { AppError } from "../errors.js";
import { nowIso } from "../shared/time.js";
import { parseInput } from "../shared/validation.js";
import type { Actor } from "../users/actor.js";
import { keyNameSchema, permissionsSchema } from "./key-schemas.js";
import { type ApiKeyView, getKey } from "./key-view.js";
import { type Permissions, serializePermissions, validatePermissions } from "./permissions.js";

export interface UpdateKeyOptions {
  actor: Actor;
  keyId: string;
  name?: string | undefined;
  permissions?: Permissions | undefined;
}

/** Edits a key's name or permissions; the very next request made with the key sees the change. */
export async function updateKey(ctx: Context, options: UpdateKeyOptions): Promise<ApiKeyView> {
  const { actor, keyId } = options;
  if (options.name === undefined && options.permissions === undefined) {
    throw new AppError("invalid_request", "body: send a new name, new permissions, or both.", {
      fields: ["name", "permissions"],
    });
  }
  const name = options.name === undefined ? undefined : parseInput(keyNameSchema, options.name, "name");
  const permissions =
    options.permissions === undefined
      ? undefined
      : validatePermissions(parseInput(permissionsSchema, options.permissions, "permissions"));
  await ctx.db.transaction().execute(async (trx) => {
    // getKey applies visibility: a Manager can only reach their own keys.
    const before = await getKey(trx, { actor, keyId });
    if (before.status === "revoked") throw new AppError("conflict", "A revoked API key can't be edited.");
    await trx
      .updateTable("api_keys")
      .set({
        ...(name === undefined ? {} : { name }),
        ...(permissions === undefined ? {} : { permissions: serializePermissions(permissions) }),
        updated_at: nowIso(),
      })
      .where("id", "=", keyId)
      .where("account_id", "=", actor.accountId)
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "api_key.updated",
      target: { type: "api_key", id: keyId },
      details: {
        before: { name: before.name, permissions: before.permissions },
        after: { name: name ?? before.name, permissions: permissions ?? before.permissions },
      },
    });
  });
  await ctx.changes.keyChanged(keyId);
  return getKey(ctx.db, { actor, keyId });
}
