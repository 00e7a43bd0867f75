import { isIP } from "node:net";
import * as z from "zod";
import type { SectionDefinition } from "./marketplace/sections.js";
import { loadSectionsFile, SectionsFileError } from "./sections/sections-file.js";

const booleanFromEnv = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

// false, a number of proxy hops in front of Keyward, or the proxies' addresses/CIDRs. `true` (trust
// every hop) would let a client choose its own address by sending X-Forwarded-For, so it is refused.
const trustProxyFromEnv = z
  .string()
  .trim()
  .transform((value, ctx): false | number | string[] => {
    if (["false", "0", "no", ""].includes(value)) return false;
    if (/^\d+$/.test(value)) return Number(value);
    if (["true", "yes"].includes(value)) {
      ctx.addIssue({
        code: "custom",
        message:
          "true would trust every X-Forwarded-For hop a client sends; set the number of proxies in front of Keyward (e.g. 1) or their addresses (e.g. 10.0.0.0/8,127.0.0.1)",
      });
      return z.NEVER;
    }
    const entries = value.split(",").map((entry) => entry.trim());
    const bad = entries.find((entry) => !isAddressOrCidr(entry));
    if (bad !== undefined) {
      ctx.addIssue({ code: "custom", message: `"${bad}" is not an IP address or CIDR range` });
      return z.NEVER;
    }
    return entries;
  });

const seconds = (fallback: number, max: number) => z.coerce.number().min(0.1).max(max).default(fallback);

// A path (embedded SQLite) or a PostgreSQL URL, nothing else: a typo such as postgress:// must not
// quietly create a local SQLite file named after the URL.
const databaseFromEnv = z
  .string()
  .trim()
  .min(1)
  .refine((value) => !value.includes("://") || /^postgres(ql)?:\/\/./.test(value), {
    message:
      "must be a file path (SQLite, e.g. ./data/keyward.db) or a postgres:// / postgresql:// URL; other schemes are not supported",
  });

const configSchema = z.object({
  KEYWARD_DATABASE: databaseFromEnv.default("./data/keyward.db"),
  KEYWARD_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  KEYWARD_DATABASE_CONNECT_TIMEOUT_SECONDS: seconds(5, 300),
  KEYWARD_DATABASE_STATEMENT_TIMEOUT_SECONDS: seconds(10, 3_600),
  KEYWARD_DATABASE_ACQUIRE_TIMEOUT_SECONDS: seconds(1, 60),
  KEYWARD_DRAIN_SECONDS: z.coerce.number().min(0).max(300).default(5),
  KEYWARD_ACCESS_LOG_LEVEL: z.enum(["info", "debug", "trace", "silent"]).default("info"),
  KEYWARD_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  KEYWARD_BUILD_COMMIT: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((value) => value || undefined),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  KEYWARD_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  KEYWARD_KEY_CACHE_SIZE: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
  KEYWARD_KEY_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  KEYWARD_USAGE_FLUSH_SECONDS: z.coerce.number().min(0.05).max(3600).default(10),
  KEYWARD_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(43_200).default(720),
  KEYWARD_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(8_760).default(168),
  KEYWARD_TRUST_PROXY: trustProxyFromEnv.default(false),
  KEYWARD_ACCEPT_REQUEST_ID: booleanFromEnv.default(false),
  KEYWARD_CORS_ORIGINS: z
    .string()
    .trim()
    .default("")
    .transform((value) =>
      value
        .split(",")
        .map((origin) => origin.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ error: "each origin must be a URL such as https://app.example.com" }))),
  KEYWARD_MAX_CONNECTIONS: z.coerce.number().int().min(16).max(1_000_000).default(8_192),
  KEYWARD_HEADERS_TIMEOUT_SECONDS: seconds(10, 600),
  KEYWARD_REQUEST_TIMEOUT_SECONDS: seconds(30, 3_600),
  KEYWARD_KEEP_ALIVE_TIMEOUT_SECONDS: seconds(65, 3_600),
  KEYWARD_IDLE_SOCKET_TIMEOUT_SECONDS: seconds(120, 3_600),
  KEYWARD_SECURE_COOKIES: z.enum(["auto", "always", "never"]).default("auto"),
  KEYWARD_REDIS_URL: z.string().url().optional(),
  KEYWARD_REDIS_TIMEOUT_MS: z.coerce.number().int().min(10).max(10_000).default(500),
  KEYWARD_REDIS_KEY_PREFIX: z.string().min(1).max(100).default("keyward:abuse:"),
  KEYWARD_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  KEYWARD_KEY_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(20),
  KEYWARD_SIGN_IN_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).max(1000).default(5),
  KEYWARD_SIGN_IN_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(50),
  KEYWARD_WEB_DIST: z.string().min(1).default("./web/dist"),
  // Leaked and misused keys, webhooks and email (src/leaks, src/webhooks, src/email).
  KEYWARD_SECRET_SCANNING_KEYS_URL: z
    .url()
    .default("https://api.github.com/meta/public_keys/secret_scanning"),
  KEYWARD_LEAK_REPORTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(10),
  KEYWARD_WEBHOOKS_ALLOW_PRIVATE: booleanFromEnv.default(false),
  KEYWARD_WEBHOOK_TIME_SCALE: z.coerce.number().min(0.000001).max(1).default(1),
  KEYWARD_WEBHOOK_TIMEOUT_SECONDS: seconds(10, 60),
  KEYWARD_OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(3_600_000).default(1000),
  KEYWARD_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, { error: "must be smtp://… or smtps://…" })
    .optional(),
  KEYWARD_EMAIL_FROM: z.string().min(3).max(200).optional(),
  KEYWARD_PUBLIC_URL: z.url().default("http://localhost:3000"),
  KEYWARD_SECTIONS_FILE: z.string().trim().min(1).optional(),
});

/** Keyward's runtime configuration, read from the environment once at start-up. */
export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  /** PostgreSQL only: pool size; connect, wait-for-a-free-connection and statement timeouts. */
  databasePool: {
    size: number;
    connectTimeoutMs: number;
    acquireTimeoutMs: number;
    statementTimeoutMs: number;
  };
  /** After SIGTERM, how long /readyz says 503 while requests are still served. */
  drainMs: number;
  /** The level of the one access-log line per request (probes are always at debug). */
  accessLogLevel: "info" | "debug" | "trace" | "silent";
  /** When set, /metrics is served on this port only, not on PORT. */
  metricsPort: number | undefined;
  /** The commit an image was built from (build info); read from .git in a checkout when unset. */
  buildCommit: string | undefined;
  logLevel: z.infer<typeof configSchema>["KEYWARD_LOG_LEVEL"];
  keyCacheSize: number;
  keyCacheMaxAgeMs: number;
  usageFlushMs: number;
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** false, a hop count, or the trusted proxies' addresses/CIDRs (Fastify's `trustProxy`). */
  trustProxy: false | number | string[];
  /** Use a well-formed incoming X-Request-Id as the request id (logged and echoed). */
  acceptRequestId: boolean;
  /** Browser origins allowed to call the marketplace API (none by default: keys are server-side secrets). */
  corsOrigins: string[];
  connections: {
    max: number;
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    idleSocketTimeoutMs: number;
  };
  secureCookies: "auto" | "always" | "never";
  redisUrl: string | undefined;
  /** The longest a Redis operation (connecting included) may take before it counts as unreachable. */
  redisTimeoutMs: number;
  redisKeyPrefix: string;
  bodyLimitBytes: number;
  webDistDir: string;
  keyFailuresPerMinute: number;
  signInFailuresPerEmail: number;
  signInFailuresPerIp: number;
  leaks: {
    /** Where GitHub's secret-scanning public keys are fetched from. */
    secretScanningKeysUrl: string;
    /** Public leak reports per client IP per minute. */
    reportsPerMinute: number;
  };
  webhooks: {
    /** http:// and private addresses accepted (tests and private deployments). */
    allowPrivate: boolean;
    /** Multiplies the retry schedule and the disable-after day (1 in production; tests shrink it). */
    timeScale: number;
    timeoutMs: number;
    pollMs: number;
  };
  email: {
    /** Unset: no email is sent (console notifications still are). */
    smtpUrl: string | undefined;
    from: string | undefined;
    publicUrl: string;
  };
  /** The operator's section catalogue (KEYWARD_SECTIONS_FILE); undefined: the demo marketplace's five. */
  sections: SectionDefinition[] | undefined;
}

/** Parses the environment; throws a ConfigError naming every variable that is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration. Fix these environment variables: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.KEYWARD_DATABASE,
    port: e.PORT,
    host: e.HOST,
    databasePool: {
      size: e.KEYWARD_DATABASE_POOL_SIZE,
      connectTimeoutMs: e.KEYWARD_DATABASE_CONNECT_TIMEOUT_SECONDS * 1000,
      acquireTimeoutMs: e.KEYWARD_DATABASE_ACQUIRE_TIMEOUT_SECONDS * 1000,
      statementTimeoutMs: e.KEYWARD_DATABASE_STATEMENT_TIMEOUT_SECONDS * 1000,
    },
    drainMs: e.KEYWARD_DRAIN_SECONDS * 1000,
    accessLogLevel: e.KEYWARD_ACCESS_LOG_LEVEL,
    metricsPort: e.KEYWARD_METRICS_PORT,
    buildCommit: e.KEYWARD_BUILD_COMMIT,
    logLevel: e.KEYWARD_LOG_LEVEL,
    keyCacheSize: e.KEYWARD_KEY_CACHE_SIZE,
    keyCacheMaxAgeMs: e.KEYWARD_KEY_CACHE_MAX_AGE_SECONDS * 1000,
    usageFlushMs: e.KEYWARD_USAGE_FLUSH_SECONDS * 1000,
    sessionIdleMs: e.KEYWARD_SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.KEYWARD_SESSION_MAX_HOURS * 3_600_000,
    trustProxy: e.KEYWARD_TRUST_PROXY,
    acceptRequestId: e.KEYWARD_ACCEPT_REQUEST_ID,
    corsOrigins: e.KEYWARD_CORS_ORIGINS,
    connections: {
      max: e.KEYWARD_MAX_CONNECTIONS,
      headersTimeoutMs: e.KEYWARD_HEADERS_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: e.KEYWARD_REQUEST_TIMEOUT_SECONDS * 1000,
      keepAliveTimeoutMs: e.KEYWARD_KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
      idleSocketTimeoutMs: e.KEYWARD_IDLE_SOCKET_TIMEOUT_SECONDS * 1000,
    },
    secureCookies: e.KEYWARD_SECURE_COOKIES,
    redisUrl: e.KEYWARD_REDIS_URL,
    redisTimeoutMs: e.KEYWARD_REDIS_TIMEOUT_MS,
    redisKeyPrefix: e.KEYWARD_REDIS_KEY_PREFIX,
    bodyLimitBytes: e.KEYWARD_BODY_LIMIT_BYTES,
    webDistDir: e.KEYWARD_WEB_DIST,
    keyFailuresPerMinute: e.KEYWARD_KEY_FAILURES_PER_MINUTE,
    signInFailuresPerEmail: e.KEYWARD_SIGN_IN_FAILURES_PER_EMAIL,
    signInFailuresPerIp: e.KEYWARD_SIGN_IN_FAILURES_PER_IP,
    leaks: {
      secretScanningKeysUrl: e.KEYWARD_SECRET_SCANNING_KEYS_URL,
      reportsPerMinute: e.KEYWARD_LEAK_REPORTS_PER_MINUTE,
    },
    webhooks: {
      allowPrivate: e.KEYWARD_WEBHOOKS_ALLOW_PRIVATE,
      timeScale: e.KEYWARD_WEBHOOK_TIME_SCALE,
      timeoutMs: e.KEYWARD_WEBHOOK_TIMEOUT_SECONDS * 1000,
      pollMs: e.KEYWARD_OUTBOX_POLL_MS,
    },
    email: {
      smtpUrl: e.KEYWARD_SMTP_URL,
      from: e.KEYWARD_EMAIL_FROM,
      publicUrl: e.KEYWARD_PUBLIC_URL,
    },
    sections: e.KEYWARD_SECTIONS_FILE === undefined ? undefined : readSections(e.KEYWARD_SECTIONS_FILE),
  };
}

function readSections(path: string): SectionDefinition[] {
  try {
    return loadSectionsFile(path);
  } catch (error) {
    if (!(error instanceof SectionsFileError)) throw error;
    throw new ConfigError(`Invalid configuration. KEYWARD_SECTIONS_FILE ${error.message}`);
  }
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

function isAddressOrCidr(entry: string): boolean {
  const [address = "", bits, extra] = entry.split("/");
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  const max = version === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

/**
 * Passwords the CLI reads from the environment rather than its command line, where every local user
 * can see them in `ps`. Read only by the commands that set a password, never part of `Config`.
 */
export function loadCliPasswords(env: NodeJS.ProcessEnv = process.env): {
  password: string | undefined;
  adminPassword: string | undefined;
} {
  return { password: env.KEYWARD_PASSWORD, adminPassword: env.KEYWARD_ADMIN_PASSWORD };
}
