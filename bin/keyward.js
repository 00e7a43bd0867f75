#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so the CLI is always the code in this checkout.
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

register();
const here = dirname(fileURLToPath(import.meta.url));
const { main } = await import(pathToFileURL(resolve(here, "../src/cli/main.ts")).href);
process.exitCode = await main(process.argv);
