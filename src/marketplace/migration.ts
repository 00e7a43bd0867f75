import type { Kysely } from "kysely";

// Placeholder replaced by the marketplace module.
export async function up(_db: Kysely<unknown>): Promise<void> {}
