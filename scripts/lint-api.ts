// `npm run lint:api`: builds every OpenAPI document from the app, writes them to .tmp/openapi/, and runs
// `redocly lint` (recommended rules, redocly.yaml) on them. Fails on any error or warning. Runs offline:
// Redocly's telemetry and update check are switched off, and nothing else is fetched.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApiDocuments } from "./build-api-documents.js";

const root = join(fileURLToPath(import.meta.url), "../..");
const outDir = join(root, ".tmp/openapi");

const documents = await buildApiDocuments();
mkdirSync(outDir, { recursive: true });
const files = Object.entries(documents).map(([name, document]) => {
  const file = join(".tmp/openapi", `${name}.json`);
  writeFileSync(join(root, file), `${JSON.stringify(document, null, 2)}\n`);
  return file;
});
const redocly = join(root, "node_modules/@redocly/cli/bin/cli.js");
const result = spawnSync(process.execPath, [redocly, "lint", "--max-problems=1000", ...files], {
  cwd: root,
  stdio: ["ignore", "inherit", "pipe"],
  encoding: "utf8",
  env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
});
// Redocly prints its summary on stderr, framed by a Node-version notice we don't need to repeat.
const report = (result.stderr ?? "").replace(/^ *[╔║╚].*\n/gm, "").trim();
console.error(report);
const warnings = /You have (\d+) warnings?/.exec(report);
if (result.status !== 0 || warnings) {
  console.error(`\nlint:api failed: the OpenAPI documents must have no errors and no warnings.`);
  process.exit(1);
}
