import * as z from "zod";
import { getKeyPolicy } from "../accounts/account-policy.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { AppError, invalidField } from "../errors.js";
import { nowIso } from "../shared/time.js";
import { parseInput } from "../shared/validation.js";
import { type Actor, actorLabel, actorUserId } from "../users/actor.js";
import { ceilingOf } from "../users/permission-ceiling.js";
import { recordDomainEvent } from "../webhooks/outbox.js";
import { allowedIpsInputSchema, normalizeAllowlist } from "./hygiene/ip-allowlist.js";
import { expiryInputSchema, resolveExpiry } from "./hygiene/key-expiry.js";
import { requireWithinCeiling } from "./hygiene/permission-ceiling.js";
import { keyRefOf } from "./key-ref.js";
import { keyNameSchema } from "./key-schemas.js";
import { type ApiKeyView, getKey } from "./key-view.js";
import { canaryIsNotEditable, lockKeyForChange } from "./lock-key.js";
import { permissionsInputSchema, serializePermissions, validatePermissions } from "./permissions.js";
import { formatRateLimit, parseRateLimit, rateLimitInputSchema } from "./rate-limit/rate-limit.js";

/** The body of "edit an API key": any of its fields; at least one. */
export const updateKeyInputSchema = z
  .strictObject({
    name: keyNameSchema.optional(),
    permissions: permissionsInputSchema.optional(),
    ...expiryInputSchema,
    allowedIps: allowedIpsInputSchema,
    rateLimit: rateLimitInputSchema.optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: "send at least one of name, permissions, expiresIn, expiresAt, allowedIps, rateLimit.",
  });

export interface UpdateKeyOptions extends z.input<typeof updateKeyInputSchema> {
  actor: Actor;
  keyId: string;
}

/**
 * Edits a key (owner or Administrator); the very next request made with the key sees the change, on
 * every instance. Permissions stay within the owner's ceiling and expiry within the account's policy.
 */
export async function updateKey(ctx: Context, options: UpdateKeyOptions): Promise<ApiKeyView> {
  const { actor, keyId, ...fields } = options;
  if (Object.values(fields).every((value) => value === undefined)) {
    throw invalidField(
      "body",
      "send at least one of name, permissions, expiresIn, expiresAt, allowedIps, rateLimit.",
    );
  }
  const input = parseInput(updateKeyInputSchema, fields);
  const permissions = input.permissions === undefined ? undefined : validatePermissions(input.permissions);
  const allowedIps =
    input.allowedIps === undefined
      ? undefined
      : input.allowedIps?.length
        ? normalizeAllowlist(input.allowedIps)
        : null;
  const rateLimit = input.rateLimit === undefined ? undefined : parseRateLimit("rateLimit", input.rateLimit);
  const rateLimitText =
    rateLimit === undefined ? undefined : rateLimit === null ? null : formatRateLimit(rateLimit);
  await ctx.db.transaction().execute(async (trx) => {
    await lockKeyForChange(trx, actor.accountId, keyId);
    // getKey applies visibility: a Manager can only reach their own keys.
    const before = await getKey(trx, { actor, keyId });
    if (before.status === "revoked") throw new AppError("conflict", "A revoked API key can't be edited.");
    if (before.isCanary) throw canaryIsNotEditable();
    if (permissions !== undefined) {
      const isOwnKey = actor.type === "user" && actor.userId === before.owner.id;
      requireWithinCeiling(permissions, await ceilingOf(trx, before.owner.id), isOwnKey);
    }
    const policy = await getKeyPolicy(trx, actor.accountId);
    const expiresAt = resolveExpiry(input, policy, new Date(), "update");
    await trx
      .updateTable("api_keys")
      .set({
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(permissions === undefined ? {} : { permissions: serializePermissions(permissions) }),
        ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
        ...(allowedIps === undefined
          ? {}
          : { allowed_ips: allowedIps === null ? null : JSON.stringify(allowedIps) }),
        ...(rateLimitText === undefined ? {} : { rate_limit: rateLimitText }),
        updated_at: nowIso(),
      })
      .where("id", "=", keyId)
      .where("account_id", "=", actor.accountId)
      .where("revoked_at", "is", null)
      .execute();
    // Past its expiry whatever its status says (a suspended owner's expired key shows as suspended).
    const wasExpired = before.expiresAt !== null && Date.parse(before.expiresAt) <= Date.now();
    const revived = wasExpired && expiresAt !== undefined;
    const was = {
      name: before.name,
      permissions: before.permissions,
      expiresAt: before.expiresAt,
      allowedIps: before.allowedIps,
      rateLimit: before.rateLimit,
    };
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "api_key.updated",
      target: { type: "api_key", id: keyId },
      details: {
        before: was,
        after: {
          name: input.name ?? was.name,
          permissions: permissions ?? was.permissions,
          expiresAt: expiresAt === undefined ? was.expiresAt : expiresAt,
          allowedIps: allowedIps === undefined ? was.allowedIps : allowedIps,
          rateLimit: rateLimitText === undefined ? was.rateLimit : rateLimitText,
        },
        ...(revived ? { revived: true } : {}),
      },
    });
    await recordDomainEvent(trx, {
      accountId: actor.accountId,
      type: "key.updated",
      data: {
        key: { ...keyRefOf(before), name: input.name ?? before.name },
        actor: actorLabel(actor),
        actorUserId: actorUserId(actor),
        changed: Object.keys(input).filter(
          (field) => (input as Record<string, unknown>)[field] !== undefined,
        ),
      },
    });
  });
  await ctx.changes.keyChanged(keyId);
  return getKey(ctx.db, { actor, keyId });
}
