import { createRequire } from "node:module";

/**
 * Loads a package where it is first used instead of where it is imported, for packages that most
 * processes never use: `loadOnUse("pg") as typeof import("pg")`. Each one named here cost start-up
 * time for every CLI command or for every server that doesn't use it: the password dictionaries
 * (~200 ms), ioredis without KEYWARD_REDIS_URL, pg on SQLite, nodemailer without SMTP, yaml without a
 * configuration file. Types still come from `import type`.
 */
export const loadOnUse = createRequire(import.meta.url);
