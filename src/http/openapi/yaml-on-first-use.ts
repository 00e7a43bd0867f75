import Module, { createRequire } from "node:module";
import type * as Yaml from "yaml";
import { loadOnUse } from "../../shared/load-on-use.js";

// @fastify/swagger and @fastify/swagger-ui require `yaml` as they load, for their YAML documents
// (/docs/yaml) alone. Loading it cost ≈30–60 ms of every server's start, most of what the docs cost
// it. They get this stand-in instead, which loads the package on its first call: the bundle resolves
// their `yaml` here (scripts/build-server.ts), and swagger-ui, which Node loads from node_modules,
// gets it through `withYamlOnFirstUse`.

const yaml = () => loadOnUse("yaml") as typeof Yaml;

export const stringify = ((...args: Parameters<typeof Yaml.stringify>) =>
  yaml().stringify(...args)) as typeof Yaml.stringify;
export const parse = ((...args: Parameters<typeof Yaml.parse>) => yaml().parse(...args)) as typeof Yaml.parse;

/**
 * Runs `load` (which requires `packageName` and registers it) while that package's `require("yaml")`
 * answers with the stand-in. The stand-in leaves the module cache afterwards, so everything else —
 * the stand-in's own first call included — gets the real package.
 */
export async function withYamlOnFirstUse<T>(packageName: string, load: () => Promise<T>): Promise<T> {
  const yamlPath = createRequire(loadOnUse.resolve(packageName)).resolve("yaml");
  if (loadOnUse.cache[yamlPath] !== undefined) return load();
  const standIn = new Module(yamlPath);
  standIn.filename = yamlPath;
  standIn.loaded = true;
  standIn.exports = { stringify, parse };
  loadOnUse.cache[yamlPath] = standIn;
  try {
    return await load();
  } finally {
    delete loadOnUse.cache[yamlPath];
  }
}
