// `npm run build` (server part): bundles the CLI and server into dist/server/ with esbuild, so
// production starts without a compiler and without resolving hundreds of small ES modules. Kysely
// (≈260 files) and zod (≈95) are bundled; they were most of `keyward keys list`'s start-up. Every
// other dependency stays in node_modules: native modules (better-sqlite3, argon2) must, and CommonJS
// packages (Fastify and its plugins, pg, ioredis, pino…) load from there as fast as from a bundle.
// Each command's modules stay in their own chunk (code splitting), loaded only when that command runs.
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { build, type Plugin } from "esbuild";

const root = resolve(import.meta.dirname, "..");
/** Bundled: ES-module packages with many files. fastify-type-provider-zod goes with zod (one zod). */
const bundled = new Set(["kysely", "zod", "fastify-type-provider-zod"]);

/** Leaves every other package (and what it imports, such as @fastify/error) to node_modules. */
const dependenciesStayExternal: Plugin = {
  name: "dependencies-stay-external",
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, ({ path }) => {
      if (path.startsWith("node:")) return { path, external: true };
      const parts = path.split("/");
      const name = path.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? path);
      return bundled.has(name) ? undefined : { path, external: true };
    });
  },
};

const outdir = resolve(root, "dist/server");
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [resolve(root, "src/cli/main.ts")],
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.19",
  plugins: [dependenciesStayExternal],
  sourcemap: true,
  logLevel: "warning",
});
