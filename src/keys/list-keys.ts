import type { Db } from "../db/database.js";
import type { Actor } from "../users/actor.js";
import { type ApiKeyView, requireApiAccess, selectVisibleKeys, toKeyView } from "./key-view.js";

export interface ListKeysOptions {
  actor: Actor;
  status?: "active" | "revoked" | "all" | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export interface ListKeysResult {
  items: ApiKeyView[];
  nextCursor: string | null;
}

/** Keys the actor may see, newest first. The cursor is the last key's id (ids sort by creation). */
export async function listKeys(db: Db, options: ListKeysOptions): Promise<ListKeysResult> {
  requireApiAccess(options.actor);
  const limit = options.limit ?? 50;
  const status = options.status ?? "active";
  let query = selectVisibleKeys(db, options.actor)
    .orderBy("k.id", "desc")
    .limit(limit + 1);
  if (status === "active") query = query.where("k.revoked_at", "is", null);
  if (status === "revoked") query = query.where("k.revoked_at", "is not", null);
  if (options.cursor) query = query.where("k.id", "<", options.cursor);
  const rows = await query.execute();
  const page = rows.slice(0, limit);
  return {
    items: page.map(toKeyView),
    nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
  };
}
