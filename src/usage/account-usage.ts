import { sql } from "kysely";
import * as z from "zod";
import type { Db } from "../db/database.js";
import { timestampSchema } from "../shared/schemas.js";
import { type Actor, requireAdministrator } from "../users/actor.js";
import { rangeStart, type UsageRange, usageRanges } from "./usage-ranges.js";

const keyFiguresSchema = z.object({
  keyId: z.string(),
  name: z.string(),
  hint: z.string(),
  ownerEmail: z.string(),
  requests: z.int(),
  errors: z.int().describe("Responses 4xx or 5xx, refusals included."),
  errorRate: z.number().describe("errors / requests, from 0 to 1."),
});

/** The account's keys side by side over a range, for Administrators: who is busy, who fails, who is idle. */
export const accountUsageSchema = z
  .object({
    range: z.string(),
    requests: z.int(),
    busiest: z.array(keyFiguresSchema),
    highestErrorRates: z.array(keyFiguresSchema).describe("Keys with at least 10 requests, worst first."),
    unused: z.array(
      z.object({
        keyId: z.string(),
        name: z.string(),
        hint: z.string(),
        ownerEmail: z.string(),
        lastUsedAt: timestampSchema.nullable(),
        unusedDays: z.enum(["30", "90"]).describe("Not used for 90 days (or ever, if older), else 30."),
      }),
    ),
  })
  .meta({ id: "AccountUsage" });
export type AccountUsage = z.infer<typeof accountUsageSchema>;

export async function getAccountUsage(
  db: Db,
  options: { actor: Actor; range: UsageRange; now?: number },
): Promise<AccountUsage> {
  requireAdministrator(options.actor);
  const now = options.now ?? Date.now();
  const { accountId } = options.actor;
  const { table } = usageRanges[options.range];
  const rows = await db
    .selectFrom(`${table} as u`)
    .innerJoin("api_keys as k", "k.id", "u.key_id")
    .innerJoin("users as o", "o.id", "k.owner_user_id")
    .select((eb) => [
      "u.key_id",
      "k.name",
      "k.hint",
      "o.email",
      eb.fn.sum<number>("u.requests").as("requests"),
      eb.fn
        .sum<number>(sql<number>`case when u.status_class in ('4xx', '5xx') then u.requests else 0 end`)
        .as("errors"),
    ])
    .where("u.account_id", "=", accountId)
    .where("u.bucket", ">=", rangeStart(options.range, now))
    .groupBy(["u.key_id", "k.name", "k.hint", "o.email"])
    .execute();
  const figures = rows.map((row) => ({
    keyId: row.key_id,
    name: row.name,
    hint: row.hint,
    ownerEmail: row.email,
    requests: Number(row.requests),
    errors: Number(row.errors),
    errorRate: Number(row.requests) === 0 ? 0 : Number(row.errors) / Number(row.requests),
  }));
  return {
    range: options.range,
    requests: figures.reduce((sum, key) => sum + key.requests, 0),
    busiest: [...figures].sort((a, b) => b.requests - a.requests).slice(0, 10),
    highestErrorRates: figures
      .filter((key) => key.requests >= 10)
      .sort((a, b) => b.errorRate - a.errorRate)
      .slice(0, 10),
    unused: await unusedKeys(db, accountId, now),
  };
}

const day = 86_400_000;

/** Live keys not used for 30 or 90 days (or never, once that old). */
async function unusedKeys(db: Db, accountId: string, now: number) {
  const cutoff = new Date(now - 30 * day).toISOString();
  const rows = await db
    .selectFrom("api_keys as k")
    .innerJoin("users as o", "o.id", "k.owner_user_id")
    .select(["k.id", "k.name", "k.hint", "o.email", "k.last_used_at", "k.created_at"])
    .where("k.account_id", "=", accountId)
    .where("k.revoked_at", "is", null)
    .where((eb) =>
      eb.or([
        eb("k.last_used_at", "<", cutoff),
        eb.and([eb("k.last_used_at", "is", null), eb("k.created_at", "<", cutoff)]),
      ]),
    )
    .orderBy("k.last_used_at")
    .limit(100)
    .execute();
  return rows.map((row) => {
    const since = Date.parse(row.last_used_at ?? row.created_at);
    return {
      keyId: row.id,
      name: row.name,
      hint: row.hint,
      ownerEmail: row.email,
      lastUsedAt: row.last_used_at,
      unusedDays: now - since >= 90 * day ? ("90" as const) : ("30" as const),
    };
  });
}
