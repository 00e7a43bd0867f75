import * as z from "zod";
import type { Db } from "../../db/database.js";
import { lockNameForTransaction } from "../../db/locks.js";
import { invalidField } from "../../errors.js";
import { allows, type Permissions } from "../../keys/permissions.js";
import { defaultLimit, type Page, resolveLimit } from "../../shared/pagination.js";
import { timestampSchema } from "../../shared/schemas.js";

/** What happens in a marketplace that an integration may want to follow. */
export const marketplaceEventTypes = [
  "order.paid",
  "order.fulfilled",
  "order.cancelled",
  "order.refunded",
  "product.updated",
  "seller.updated",
] as const;
export type MarketplaceEventType = (typeof marketplaceEventTypes)[number];

export const marketplaceEventSchema = z
  .object({
    id: z.string().describe("The event's place in the feed; pass it as `after` to get what followed."),
    type: z.enum(marketplaceEventTypes),
    resource: z.object({ type: z.enum(["order", "product", "seller"]), id: z.string() }),
    data: z.record(z.string(), z.unknown()).describe("The resource as it was right after the change."),
    createdAt: timestampSchema,
  })
  .meta({ id: "MarketplaceEvent" });
export type MarketplaceEvent = z.infer<typeof marketplaceEventSchema>;

/** The section whose read permission shows a resource's events. */
const sectionOf = { order: "orders", product: "catalog", seller: "sellers" } as const;

const idPattern = /^ev_(\d{1,15})$/;
const idOf = (seq: number) => `ev_${String(seq).padStart(12, "0")}`;

/**
 * Appends an event inside the changing transaction, so the event exists exactly when the change does.
 * The account's lock makes `seq` follow commit order: a client reading the feed by `after` never skips
 * an event that committed late.
 */
export async function recordMarketplaceEvent(
  trx: Db,
  options: {
    accountId: string;
    type: MarketplaceEventType;
    resource: { type: string; id: string };
    data: unknown;
  },
): Promise<void> {
  await lockNameForTransaction(trx, "marketplace-events", options.accountId);
  const last = await trx
    .selectFrom("marketplace_events")
    .select((eb) => eb.fn.max<number>("seq").as("seq"))
    .where("account_id", "=", options.accountId)
    .executeTakeFirst();
  await trx
    .insertInto("marketplace_events")
    .values({
      account_id: options.accountId,
      seq: (last?.seq ?? 0) + 1,
      type: options.type,
      resource_type: options.resource.type,
      resource_id: options.resource.id,
      data: JSON.stringify(options.data),
      created_at: new Date().toISOString(),
    })
    .execute();
}

/** The account's events after the one named by `after` (all when absent), oldest first. */
export async function listMarketplaceEvents(
  db: Db,
  options: {
    accountId: string;
    permissions: Permissions;
    after?: string | undefined;
    limit?: number | undefined;
  },
): Promise<Page<MarketplaceEvent>> {
  const readable = (Object.keys(sectionOf) as (keyof typeof sectionOf)[]).filter((type) =>
    allows(options.permissions, sectionOf[type], "read"),
  );
  const limit = resolveLimit(options.limit ?? defaultLimit);
  const after = options.after === undefined ? 0 : seqOf(options.after);
  const rows = await db
    .selectFrom("marketplace_events")
    .selectAll()
    .where("account_id", "=", options.accountId)
    .where("seq", ">", after)
    .where("resource_type", "in", readable.length > 0 ? readable : ["none"])
    .orderBy("seq")
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: idOf(row.seq),
      type: row.type as MarketplaceEventType,
      resource: { type: row.resource_type as "order" | "product" | "seller", id: row.resource_id },
      data: JSON.parse(row.data) as Record<string, unknown>,
      createdAt: row.created_at,
    })),
    // Always a cursor: the feed goes on, and a client polls again from where it stopped.
    nextCursor: last ? idOf(last.seq) : (options.after ?? idOf(0)),
  };
}

function seqOf(id: string): number {
  const match = idPattern.exec(id);
  if (!match)
    throw invalidField("after", "is not an event id from this feed; pass the id of the last event you read.");
  return Number(match[1]);
}
