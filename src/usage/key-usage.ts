import * as z from "zod";
import type { Db } from "../db/database.js";
import { getKey } from "../keys/key-view.js";
import { timestampSchema } from "../shared/schemas.js";
import type { Actor } from "../users/actor.js";
import { rangeStart, type UsageRange, usageRanges } from "./usage-ranges.js";

const countsSchema = z.object({ "2xx": z.int(), "3xx": z.int(), "4xx": z.int(), "5xx": z.int() });

/** What a key did over a range: requests over time by status class, its routes, its client addresses. */
export const keyUsageSchema = z
  .object({
    range: z.string(),
    bucketSeconds: z.int().describe("The width of each point of `series`."),
    totals: countsSchema.extend({
      requests: z.int(),
      refused: z.int().describe("Requests refused by verification: expired, rate-limited, wrong address…"),
    }),
    series: z.array(countsSchema.extend({ bucket: timestampSchema })).describe("Only buckets with requests."),
    routes: z.array(
      z.object({
        route: z.string(),
        permission: z.string(),
        requests: z.int(),
        errors: z.int().describe("Responses 4xx or 5xx."),
      }),
    ),
    clientIps: z.array(
      z.object({
        ip: z.string(),
        firstSeenAt: timestampSchema,
        lastSeenAt: timestampSchema,
        requests: z.int(),
      }),
    ),
  })
  .meta({ id: "KeyUsage" });
export type KeyUsage = z.infer<typeof keyUsageSchema>;

type Counts = z.infer<typeof countsSchema>;
const zero = (): Counts => ({ "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 });

/** A key's usage, for someone who may see the key (its owner or an Administrator). */
export async function getKeyUsage(
  db: Db,
  options: { actor: Actor; keyId: string; range: UsageRange; now?: number },
): Promise<KeyUsage> {
  await getKey(db, { actor: options.actor, keyId: options.keyId });
  const now = options.now ?? Date.now();
  const { table, bucketMs } = usageRanges[options.range];
  const since = rangeStart(options.range, now);
  const rows = await db
    .selectFrom(table)
    .select(["bucket", "route", "permission", "status_class", "authorized", "requests"])
    .where("account_id", "=", options.actor.accountId)
    .where("key_id", "=", options.keyId)
    .where("bucket", ">=", since)
    .execute();
  const totals = { ...zero(), requests: 0, refused: 0 };
  const series = new Map<string, Counts & { bucket: string }>();
  const routes = new Map<string, { route: string; permission: string; requests: number; errors: number }>();
  for (const row of rows) {
    const statusClass = row.status_class as keyof Counts;
    totals.requests += row.requests;
    totals[statusClass] = (totals[statusClass] ?? 0) + row.requests;
    if (!row.authorized) totals.refused += row.requests;
    const point = series.get(row.bucket) ?? { bucket: row.bucket, ...zero() };
    point[statusClass] += row.requests;
    series.set(row.bucket, point);
    const route = routes.get(row.route) ?? {
      route: row.route,
      permission: row.permission,
      requests: 0,
      errors: 0,
    };
    route.requests += row.requests;
    if (statusClass === "4xx" || statusClass === "5xx") route.errors += row.requests;
    routes.set(row.route, route);
  }
  const clientIps = await db
    .selectFrom("key_client_ips")
    .select(["ip", "first_seen_at", "last_seen_at", "requests"])
    .where("account_id", "=", options.actor.accountId)
    .where("key_id", "=", options.keyId)
    .orderBy("last_seen_at", "desc")
    .limit(20)
    .execute();
  return {
    range: options.range,
    bucketSeconds: bucketMs / 1000,
    totals,
    series: [...series.values()].sort((a, b) => a.bucket.localeCompare(b.bucket)),
    routes: [...routes.values()].sort((a, b) => b.requests - a.requests).slice(0, 20),
    clientIps: clientIps.map((row) => ({
      ip: row.ip,
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
      requests: row.requests,
    })),
  };
}
