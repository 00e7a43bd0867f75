// `npm run build` (server part): bundles the CLI and server into dist/server/ with esbuild, so
// production starts without a compiler and without resolving hundreds of small modules. Each
// command's modules stay in their own chunk (code splitting), loaded only when that command runs.
// What the bundle saved, measured on this machine (`npm run bench`, section 5, and side by side):
// - Kysely (≈260 files) and zod (≈95) bundled: most of `keyward keys list`'s start-up before.
// - commander bundled: Node loading it as CommonJS from an ES module cost ≈23 ms of every command.
// - Fastify, its plugins, ajv and prom-client bundled: `keyward serve` was ready ≈150 ms sooner
//   (median of 8 alternated starts, 1,079 → 931 ms), the time Node spent finding and reading their
//   ≈300 files one by one.
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import { build, type Plugin } from "esbuild";

const root = resolve(import.meta.dirname, "..");
/**
 * Loaded from node_modules, not bundled: native modules (better-sqlite3, argon2) must be; pino starts
 * its transports as worker threads from its own files; swagger-ui serves files from its folder; the
 * gateway's proxy (and undici under it) is left as tested. tsx and pg-native are never bundled.
 * Packages loaded on first use (`src/shared/load-on-use.ts`: pg, ioredis, nodemailer, yaml, zxcvbn)
 * go through require() at run time, so they stay in node_modules without being listed here.
 */
const external = new Set([
  "better-sqlite3",
  "@node-rs/argon2",
  "pino",
  "@fastify/swagger-ui",
  "@fastify/http-proxy",
  "tsx",
  "pg-native",
]);

/** Leaves the packages above (and Node's own modules) to be loaded at run time. */
const nativeAndFileBasedStayExternal: Plugin = {
  name: "native-and-file-based-stay-external",
  setup(builder) {
    // @fastify/swagger's `yaml`: the stand-in that loads it on first use (src/http/openapi/yaml-on-first-use.ts).
    builder.onResolve({ filter: /^yaml$/ }, ({ importer }) =>
      importer.includes("/node_modules/@fastify/swagger/") ? { path: yamlStandIn } : undefined,
    );
    builder.onResolve({ filter: /^[^./]/ }, ({ path }) => {
      if (path.startsWith("node:")) return { path, external: true };
      const parts = path.split("/");
      const name = path.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? path);
      return external.has(name) ? { path, external: true } : undefined;
    });
  },
};

const yamlStandIn = resolve(root, "src/http/openapi/yaml-on-first-use.ts");

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
  plugins: [nativeAndFileBasedStayExternal],
  sourcemap: true,
  // Bundled CommonJS calls require() for Node's own modules and the packages above; an ES module has none.
  banner: {
    js: 'import { createRequire as __keywardRequire } from "node:module"; const require = __keywardRequire(import.meta.url);',
  },
  logLevel: "warning",
});
