import * as z from "zod";
import type { Db } from "../db/database.js";
import { getKey } from "../keys/key-view.js";
import {
  allows,
  describePermissions,
  type Permissions,
  permissionsViewSchema,
  type RequiredPermission,
} from "../keys/permissions.js";
import type { Access, SectionId } from "../marketplace/sections.js";
import { timestampSchema } from "../shared/schemas.js";
import { type Actor, requireAdministrator } from "../users/actor.js";

const day = 86_400_000;
export const defaultAdviceDays = 30;

/** What a key really uses, and what it could be narrowed to: least privilege from recorded usage. */
export const keyAdviceSchema = z
  .object({
    keyId: z.string(),
    days: z.int(),
    exercised: z.array(z.string()).describe('Permissions requests needed and got, e.g. ["reporting:read"].'),
    exercisedSummary: z.string().describe('e.g. "Used only Reporting (read) in the last 30 days".'),
    suggestion: permissionsViewSchema
      .nullable()
      .describe("Narrower permissions covering everything it used; null when it holds no more than it uses."),
    suggestionSummary: z.string().nullable(),
    unusedSince: timestampSchema.nullable().describe("Set when the key has not been used for 90 days."),
  })
  .meta({ id: "KeyAdvice" });
export type KeyAdvice = z.infer<typeof keyAdviceSchema>;

/** The permissions the key's authorized requests needed over the last `days` days. */
async function exercisedPermissions(
  db: Db,
  accountId: string,
  keyId: string,
  since: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom("usage_day")
    .select("permission")
    .distinct()
    .where("account_id", "=", accountId)
    .where("key_id", "=", keyId)
    .where("authorized", "=", 1)
    .where("bucket", ">=", since)
    .execute();
  return rows
    .map((row) => row.permission)
    .filter((permission) => permission !== "none")
    .sort();
}

function asPermissions(used: string[]): Permissions {
  const sections: Record<SectionId, Access> = {};
  for (const permission of used) {
    const [section, access] = permission.split(":") as [SectionId, Access];
    if (access === "write" || sections[section] === undefined) sections[section] = access;
  }
  return { all: false, sections };
}

/** Least-privilege advice for one key its owner or an Administrator may see. */
export async function getKeyAdvice(
  db: Db,
  options: { actor: Actor; keyId: string; days?: number; now?: number },
): Promise<KeyAdvice> {
  const key = await getKey(db, { actor: options.actor, keyId: options.keyId });
  const days = options.days ?? defaultAdviceDays;
  const now = options.now ?? Date.now();
  const since = new Date(now - days * day).toISOString();
  const exercised = await exercisedPermissions(db, options.actor.accountId, key.id, since);
  const used = asPermissions(exercised);
  // Only a key that holds something it didn't use gets a suggestion, and only if it used anything.
  const holdsMore =
    exercised.length > 0 && describePermissions(used) !== describePermissions(key.permissions);
  const lastUse = Date.parse(key.lastUsedAt ?? key.createdAt);
  return {
    keyId: key.id,
    days,
    exercised,
    exercisedSummary:
      exercised.length === 0
        ? `Not used in the last ${days} days`
        : `Used only ${describePermissions(used)} in the last ${days} days`,
    suggestion: holdsMore ? used : null,
    suggestionSummary: holdsMore ? describePermissions(used) : null,
    unusedSince: now - lastUse >= 90 * day ? (key.lastUsedAt ?? key.createdAt) : null,
  };
}

/** What narrowing a key's permissions would have refused over the last `days` days. */
export const dryRunSchema = z
  .object({
    days: z.int(),
    refusedRequests: z.int(),
    routes: z.array(z.object({ route: z.string(), permission: z.string(), requests: z.int() })),
  })
  .meta({ id: "PermissionsDryRun" });
export type DryRun = z.infer<typeof dryRunSchema>;

export async function dryRunPermissions(
  db: Db,
  options: { actor: Actor; keyId: string; permissions: Permissions; days?: number; now?: number },
): Promise<DryRun> {
  const key = await getKey(db, { actor: options.actor, keyId: options.keyId });
  const days = options.days ?? defaultAdviceDays;
  const since = new Date((options.now ?? Date.now()) - days * day).toISOString();
  const rows = await db
    .selectFrom("usage_day")
    .select((eb) => ["route", "permission", eb.fn.sum<number>("requests").as("requests")])
    .where("account_id", "=", options.actor.accountId)
    .where("key_id", "=", key.id)
    .where("authorized", "=", 1)
    .where("bucket", ">=", since)
    .groupBy(["route", "permission"])
    .execute();
  const refused = rows
    .filter(
      (row) => row.permission !== "none" && !allows(options.permissions, ...parsePermission(row.permission)),
    )
    .map((row) => ({ route: row.route, permission: row.permission, requests: Number(row.requests) }))
    .sort((a, b) => b.requests - a.requests);
  return { days, refusedRequests: refused.reduce((sum, row) => sum + row.requests, 0), routes: refused };
}

function parsePermission(text: string): [RequiredPermission["section"], RequiredPermission["access"]] {
  const [section, access] = text.split(":") as [SectionId, Access];
  return [section, access];
}

/** Advice for every live key of the account that holds more than it uses or sits unused; Administrators only. */
export async function listAccountAdvice(
  db: Db,
  options: { actor: Actor; days?: number; now?: number },
): Promise<KeyAdvice[]> {
  requireAdministrator(options.actor);
  const keys = await db
    .selectFrom("api_keys")
    .select("id")
    .where("account_id", "=", options.actor.accountId)
    .where("revoked_at", "is", null)
    .orderBy("id")
    .execute();
  const advice: KeyAdvice[] = [];
  for (const key of keys) {
    const one = await getKeyAdvice(db, { ...options, keyId: key.id });
    if (one.suggestion !== null || one.unusedSince !== null) advice.push(one);
  }
  return advice;
}
