import * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import type { Db } from "../db/database.js";
import { AppError, invalidField, notFound } from "../errors.js";
import { generateKey } from "../keys/key-format.js";
import { keyNameSchema } from "../keys/key-schemas.js";
import { serializePermissions } from "../keys/permissions.js";
import { newId } from "../shared/ids.js";
import { timestampSchema } from "../shared/schemas.js";
import { nowIso } from "../shared/time.js";
import { parseInput } from "../shared/validation.js";
import { type Actor, actorUserId, requireAdministrator } from "../users/actor.js";

/** A canary as Administrators see it: listed apart from real keys. */
export const canarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    hint: z.string(),
    createdAt: timestampSchema,
    retiredAt: timestampSchema.nullable().describe("When it was retired; a retired canary raises no alert."),
    triggers: z.number().int().describe("How many alerts it has raised."),
    lastTriggeredAt: timestampSchema.nullable(),
  })
  .meta({ id: "CanaryKey" });
export type CanaryView = z.infer<typeof canarySchema>;

export const createCanaryInputSchema = z.strictObject({ name: keyNameSchema });

/** The permissions a canary holds: none. It is refused everywhere, like an unknown key. */
const noPermissions = serializePermissions({ all: false, sections: {} });

/**
 * Creates a canary (Administrators only): a key that looks and hashes like any other, holds no
 * permissions, and raises an alert whenever it is used. The secret is returned once, to be planted.
 */
export async function createCanary(
  ctx: Context,
  options: { actor: Actor; input: z.input<typeof createCanaryInputSchema> },
): Promise<{ canary: CanaryView; secret: string }> {
  const { actor } = options;
  requireAdministrator(actor);
  if (actor.type !== "user") throw invalidField("by", "a canary is owned by an Administrator; name one.");
  const input = parseInput(createCanaryInputSchema, options.input);
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
        permissions: noPermissions,
        created_at: now,
        created_by_user_id: actor.userId,
        updated_at: now,
        is_canary: 1,
      })
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "api_key.canary_created",
      target: { type: "api_key", id },
      details: { name: input.name, hint: generated.hint },
    });
  });
  // Known to every instance's known-keys filter, so even a client over its failure budget reaches it.
  await ctx.changes.keyCreated(generated.hash);
  return { canary: await getCanary(ctx.db, actor.accountId, id), secret: generated.secret };
}

export async function listCanaries(db: Db, options: { actor: Actor }): Promise<CanaryView[]> {
  requireAdministrator(options.actor);
  const rows = await canaryQuery(db, options.actor.accountId).orderBy("k.id", "desc").execute();
  return rows.map(toCanaryView);
}

/** Retires a canary: it stays refused like an unknown key and no longer raises alerts. */
export async function retireCanary(
  ctx: Context,
  options: { actor: Actor; keyId: string },
): Promise<CanaryView> {
  const { actor, keyId } = options;
  requireAdministrator(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const canary = await getCanary(trx, actor.accountId, keyId);
    if (canary.retiredAt !== null) throw new AppError("conflict", "This canary is already retired.");
    await trx
      .updateTable("api_keys")
      .set({ revoked_at: nowIso(), revoked_by_user_id: actorUserId(actor) })
      .where("id", "=", keyId)
      .where("account_id", "=", actor.accountId)
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "api_key.revoked",
      target: { type: "api_key", id: keyId },
      details: { name: canary.name, hint: canary.hint, canary: true },
    });
  });
  await ctx.changes.keyChanged(keyId);
  return getCanary(ctx.db, actor.accountId, keyId);
}

function canaryQuery(db: Db, accountId: string) {
  return db
    .selectFrom("api_keys as k")
    .select((eb) => [
      "k.id",
      "k.name",
      "k.hint",
      "k.created_at",
      "k.revoked_at",
      eb
        .selectFrom("audit_events as a")
        .select((inner) => inner.fn.countAll<number>().as("n"))
        .whereRef("a.target_id", "=", "k.id")
        .where("a.action", "=", "api_key.canary_triggered")
        .as("triggers"),
      eb
        .selectFrom("audit_events as a")
        .select((inner) => inner.fn.max("a.created_at").as("at"))
        .whereRef("a.target_id", "=", "k.id")
        .where("a.action", "=", "api_key.canary_triggered")
        .as("last_triggered_at"),
    ])
    .where("k.account_id", "=", accountId)
    .where("k.is_canary", "=", 1);
}

async function getCanary(db: Db, accountId: string, keyId: string): Promise<CanaryView> {
  const row = await canaryQuery(db, accountId).where("k.id", "=", keyId).executeTakeFirst();
  if (!row) throw notFound("Canary key");
  return toCanaryView(row);
}

function toCanaryView(row: {
  id: string;
  name: string;
  hint: string;
  created_at: string;
  revoked_at: string | null;
  triggers: number | string | bigint | null;
  last_triggered_at: string | null;
}): CanaryView {
  return {
    id: row.id,
    name: row.name,
    hint: row.hint,
    createdAt: row.created_at,
    retiredAt: row.revoked_at,
    triggers: Number(row.triggers ?? 0),
    lastTriggeredAt: row.last_triggered_at,
  };
}
