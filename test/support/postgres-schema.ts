import pg from "pg";

/** Creates a schema for one test file and returns a URL that selects it; drop() removes it. */
export async function createPostgresSchema(baseUrl: string, schema: string) {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  await client.query(`create schema "${schema}"`);
  await client.end();
  const url = new URL(baseUrl);
  url.searchParams.set("schema", schema);
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: baseUrl });
      await dropper.connect();
      await dropper.query(`drop schema if exists "${schema}" cascade`);
      await dropper.end();
    },
  };
}
