// Builds both OpenAPI documents from the app itself, in process: no server listens and nothing is
// fetched. The generated clients and the API lint both start here, so they describe exactly what runs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.js";
import { migrateToLatest } from "../src/db/migrate.js";
import { openDatabase } from "../src/db/open-database.js";
import { buildApp } from "../src/http/app.js";
import { documentFor } from "../src/http/openapi/openapi.js";
import { type ApiName, apis } from "../src/http/openapi/split-document.js";

export type ApiDocuments = Record<ApiName, Record<string, unknown>>;

/** Every API's OpenAPI document (marketplace, console…), as the server serves them. */
export async function buildApiDocuments(): Promise<ApiDocuments> {
  const dir = mkdtempSync(join(tmpdir(), "keyward-openapi-"));
  const url = join(dir, "keyward.db");
  const database = await openDatabase(url);
  try {
    await migrateToLatest(database);
    const config = loadConfig({ KEYWARD_DATABASE: url, KEYWARD_LOG_LEVEL: "silent" });
    const { app } = await buildApp({ config, database });
    try {
      await app.ready();
      return Object.fromEntries(apis.map((api) => [api.name, documentFor(app, api.name)])) as ApiDocuments;
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
