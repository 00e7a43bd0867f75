import * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import type { Db } from "../db/database.js";
import { AppError, notFound } from "../errors.js";
import { newId } from "../shared/ids.js";
import { personSchema } from "../shared/schemas.js";
import { nowIso } from "../shared/time.js";
import { parseInput, singleLineText } from "../shared/validation.js";
import { type Actor, actorUserId, requireAdministrator } from "../users/actor.js";
import { generateServiceToken } from "./service-token-format.js";

export const serviceTokenNameMaxLength = 100;

export const createServiceTokenInputSchema = z.strictObject({
  name: singleLineText("Name", serviceTokenNameMaxLength).describe(
    'Which backend uses the token, e.g. "orders-service (production)".',
  ),
});

/** A service token as the console and the CLI show it: never its secret. */
export const serviceTokenViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    hint: z.string().describe("The token's prefix and last four characters, e.g. kws_…a1B2."),
    status: z.enum(["active", "revoked"]),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
    createdBy: personSchema.nullable().describe("The Administrator who created it; null when not known."),
  })
  .meta({ id: "ServiceToken" });

export type ServiceTokenView = z.infer<typeof serviceTokenViewSchema>;

export interface CreateServiceTokenResult {
  token: ServiceTokenView;
  /** The full token: returned here once; Keyward keeps only its SHA-256. */
  secret: string;
}

/** Creates a service token for the actor's account; Administrators only. */
export async function createServiceToken(
  ctx: Context,
  options: { actor: Actor; name: unknown },
): Promise<CreateServiceTokenResult> {
  const { actor } = options;
  requireAdministrator(actor);
  const input = parseInput(createServiceTokenInputSchema, { name: options.name });
  const generated = generateServiceToken();
  const id = newId("svt");
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("service_tokens")
      .values({
        id,
        account_id: actor.accountId,
        name: input.name,
        token_hash: generated.hash,
        hint: generated.hint,
        created_at: nowIso(),
        created_by_user_id: actorUserId(actor),
        revoked_at: null,
        revoked_by_user_id: null,
        last_used_at: null,
      })
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "service_token.created",
      target: { type: "service_token", id },
      details: { name: input.name, hint: generated.hint },
    });
  });
  return { token: await getServiceToken(ctx.db, actor.accountId, id), secret: generated.secret };
}

/** The account's service tokens, newest first; Administrators only. */
export async function listServiceTokens(
  ctx: Context,
  options: { actor: Actor },
): Promise<ServiceTokenView[]> {
  requireAdministrator(options.actor);
  const rows = await selectTokens(ctx.db)
    .where("t.account_id", "=", options.actor.accountId)
    .orderBy("t.id", "desc")
    .execute();
  return rows.map(toView);
}

/**
 * Revokes a service token for good; Administrators only. Verifiers holding it are refused from the
 * next request (each instance re-checks a token at most once a second) and their change streams end.
 */
export async function revokeServiceToken(
  ctx: Context,
  options: { actor: Actor; tokenId: string },
): Promise<ServiceTokenView> {
  const { actor, tokenId } = options;
  requireAdministrator(actor);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await getServiceToken(trx, actor.accountId, tokenId);
    if (before.status === "revoked") throw new AppError("conflict", "This service token is already revoked.");
    await trx
      .updateTable("service_tokens")
      .set({ revoked_at: nowIso(), revoked_by_user_id: actorUserId(actor) })
      .where("id", "=", tokenId)
      .where("account_id", "=", actor.accountId)
      .where("revoked_at", "is", null)
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "service_token.revoked",
      target: { type: "service_token", id: tokenId },
      details: { name: before.name, hint: before.hint },
    });
  });
  return getServiceToken(ctx.db, actor.accountId, tokenId);
}

export async function getServiceToken(db: Db, accountId: string, tokenId: string): Promise<ServiceTokenView> {
  const row = await selectTokens(db)
    .where("t.id", "=", tokenId)
    .where("t.account_id", "=", accountId)
    .executeTakeFirst();
  if (!row) throw notFound("Service token");
  return toView(row);
}

/** Tokens with the Administrator who created each. */
function selectTokens(db: Db) {
  return db
    .selectFrom("service_tokens as t")
    .leftJoin("users as c", "c.id", "t.created_by_user_id")
    .select([
      "t.id",
      "t.name",
      "t.hint",
      "t.created_at",
      "t.revoked_at",
      "t.last_used_at",
      "c.id as creator_id",
      "c.email as creator_email",
      "c.name as creator_name",
    ]);
}

function toView(row: {
  id: string;
  name: string;
  hint: string;
  created_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  creator_id: string | null;
  creator_email: string | null;
  creator_name: string | null;
}): ServiceTokenView {
  return {
    id: row.id,
    name: row.name,
    hint: row.hint,
    status: row.revoked_at === null ? "active" : "revoked",
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
    createdBy:
      row.creator_id && row.creator_email && row.creator_name !== null
        ? { id: row.creator_id, email: row.creator_email, name: row.creator_name }
        : null,
  };
}
