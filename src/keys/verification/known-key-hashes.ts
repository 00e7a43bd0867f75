import type { Db } from "../../db/database.js";

/** Every secret hash that opens a key: current ones and rolled ones still in their grace. */
export interface KnownKeyHashes {
  count(): Promise<number>;
  each(add: (hash: string) => void): Promise<void>;
}

const pageSize = 10_000;

/** Reads the hashes in pages by id, yielding between pages so requests keep being served. */
export function knownKeyHashesOf(db: Db): KnownKeyHashes {
  return {
    async count() {
      const row = await db
        .selectFrom("api_keys")
        .select((eb) => eb.fn.countAll<number>().as("count"))
        .executeTakeFirst();
      return row?.count ?? 0;
    },
    async each(add) {
      let after = "";
      for (;;) {
        const rows = await db
          .selectFrom("api_keys")
          .select(["id", "key_hash", "previous_key_hash"])
          .where("id", ">", after)
          .orderBy("id")
          .limit(pageSize)
          .execute();
        for (const row of rows) {
          add(row.key_hash);
          if (row.previous_key_hash !== null) add(row.previous_key_hash);
        }
        const last = rows.at(-1);
        if (last === undefined || rows.length < pageSize) return;
        after = last.id;
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
  };
}
