import * as z from "zod";
import { recordAuditEvent } from "../audit/record-audit-event.js";
import type { Context } from "../context.js";
import type { Db } from "../db/database.js";
import { parseInput } from "../shared/validation.js";
import { type Actor, requireAdministrator } from "../users/actor.js";

/** What a reported leak does to a key of the account. */
export const leakPolicies = ["revoke", "notify"] as const;
export type LeakPolicy = (typeof leakPolicies)[number];

export const leakPolicySchema = z
  .object({
    leakPolicy: z
      .enum(leakPolicies)
      .describe(
        '"revoke" (default): a key found in public is revoked at once; "notify": people are told, the key keeps working.',
      ),
  })
  .meta({ id: "LeakPolicy" });

export const leakPolicyInputSchema = z.strictObject({ leakPolicy: z.enum(leakPolicies) });

export async function leakPolicyOf(db: Db, accountId: string): Promise<LeakPolicy> {
  const row = await db
    .selectFrom("accounts")
    .select("leak_policy")
    .where("id", "=", accountId)
    .executeTakeFirst();
  return row?.leak_policy === "notify" ? "notify" : "revoke";
}

export async function getLeakPolicy(
  db: Db,
  options: { actor: Actor },
): Promise<z.infer<typeof leakPolicySchema>> {
  return { leakPolicy: await leakPolicyOf(db, options.actor.accountId) };
}

/** Sets the account's leak policy (Administrators only); audited with before and after. */
export async function setLeakPolicy(
  ctx: Context,
  options: { actor: Actor; input: z.input<typeof leakPolicyInputSchema> },
): Promise<z.infer<typeof leakPolicySchema>> {
  const { actor } = options;
  requireAdministrator(actor);
  const { leakPolicy } = parseInput(leakPolicyInputSchema, options.input);
  await ctx.db.transaction().execute(async (trx) => {
    const before = await leakPolicyOf(trx, actor.accountId);
    if (before === leakPolicy) return;
    await trx
      .updateTable("accounts")
      .set({ leak_policy: leakPolicy })
      .where("id", "=", actor.accountId)
      .execute();
    await recordAuditEvent(trx, {
      accountId: actor.accountId,
      actor,
      action: "account.leak_policy_updated",
      target: { type: "account", id: actor.accountId },
      details: { before: { leakPolicy: before }, after: { leakPolicy } },
    });
  });
  return { leakPolicy };
}
