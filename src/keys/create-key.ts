import * as z from "zod";
import { getKeyPolicy } from "../accounts/account-policy.js";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import { invalidField } from "../errors.js";
import { newId } from "../shared/ids.js";
import { nowIso } from "../shared/time.js";
import { parseInput } from "../shared/validation.js";
import type { Actor } from "../users/actor.js";
import { ceilingOf } from "../users/permission-ceiling.js";
import { recordDomainEvent } from "../webhooks/outbox.js";
import { allowedIpsInputSchema, normalizeAllowlist } from "./hygiene/ip-allowlist.js";
import { expiryInputSchema, resolveExpiry } from "./hygiene/key-expiry.js";
import { requireWithinCeiling } from "./hygiene/permission-ceiling.js";
import { generateKey } from "./key-format.js";
import { keyNameSchema } from "./key-schemas.js";
import { type ApiKeyView, getKey, requireApiAccess } from "./key-view.js";
import { permissionsInputSchema, serializePermissions, validatePermissions } from "./permissions.js";
import { formatRateLimit, parseRateLimit, rateLimitInputSchema } from "./rate-limit/rate-limit.js";

/** The body of "generate an API key". */
export const createKeyInputSchema = z.strictObject({
  name: keyNameSchema,
  permissions: permissionsInputSchema,
  ...expiryInputSchema,
  allowedIps: allowedIpsInputSchema,
  rateLimit: rateLimitInputSchema.optional(),
});

export interface CreateKeyOptions extends z.input<typeof createKeyInputSchema> {
  actor: Actor;
}

export interface CreateKeyResult {
  key: ApiKeyView;
  /** The full key. Returned here once; Keyward keeps only its SHA-256. */
  secret: string;
}

/** Generates a key owned by the acting user, who must have API access, within their ceiling and the policy. */
export async function createKey(ctx: Context, options: CreateKeyOptions): Promise<CreateKeyResult> {
  const { actor, ...fields } = options;
  if (actor.type !== "user") throw invalidField("owner", "an API key must be owned by a user.");
  requireApiAccess(actor);
  const input = parseInput(createKeyInputSchema, fields);
  const permissions = validatePermissions(input.permissions);
  requireWithinCeiling(permissions, await ceilingOf(ctx.db, actor.userId));
  const policy = await getKeyPolicy(ctx.db, actor.accountId);
  const expiresAt = resolveExpiry(input, policy, new Date(), "create") ?? null;
  // New keys inherit the account's default limit unless the request says otherwise ("none" included).
  const rateLimit =
    input.rateLimit === undefined ? policy.defaultRateLimit : parseRateLimit("rateLimit", input.rateLimit);
  const allowedIps = input.allowedIps?.length ? normalizeAllowlist(input.allowedIps) : null;
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
        name: input.name,
        key_hash: generated.hash,
        hint: generated.hint,
        permissions: serializePermissions(permissions),
        created_at: now,
        created_by_user_id: actor.userId,
        updated_at: now,
        expires_at: expiresAt,
        allowed_ips: allowedIps === null ? null : JSON.stringify(allowedIps),
        rate_limit: rateLimit === null ? null : formatRateLimit(rateLimit),
      })
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "api_key.created",
      target: { type: "api_key", id },
      details: {
        after: {
          name: input.name,
          permissions,
          expiresAt,
          allowedIps,
          rateLimit: rateLimit === null ? null : formatRateLimit(rateLimit),
        },
        hint: generated.hint,
      },
    });
    await recordDomainEvent(trx, {
      accountId: actor.accountId,
      type: "key.created",
      data: {
        key: { id, name: input.name, hint: generated.hint, ownerId: actor.userId, ownerEmail: actor.email },
        actor: actor.email,
        actorUserId: actor.userId,
        expiresAt,
      },
    });
  });
  await ctx.changes.keyCreated(generated.hash);
  return { key: await getKey(ctx.db, { actor, keyId: id }), secret: generated.secret };
}
