import { sql } from "kysely";

/** A CHECK that a text column holds one of `values`; the same SQL on SQLite and PostgreSQL. */
export function checkOneOf(column: string, values: readonly string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;
}
