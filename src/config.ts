import { z } from "zod";

const booleanFromEnv = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((value) => value === "true" || value === "1" || value === "yes");

const configSchema = z.object({
  KEYWARD_DATABASE: z.string().min(1).default("./data/keyward.db"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  KEYWARD_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  KEYWARD_KEY_CACHE_SIZE: z.coerce.number().int().min(0).max(10_000_000).default(100_000),
  KEYWARD_KEY_CACHE_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  KEYWARD_USAGE_FLUSH_SECONDS: z.coerce.number().min(0.05).max(3600).default(10),
  KEYWARD_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(43_200).default(720),
  KEYWARD_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(8_760).default(168),
  KEYWARD_TRUST_PROXY: booleanFromEnv.default(false),
  KEYWARD_SECURE_COOKIES: z.enum(["auto", "always", "never"]).default("auto"),
  KEYWARD_REDIS_URL: z.string().url().optional(),
  KEYWARD_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(10_485_760).default(65_536),
  KEYWARD_KEY_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(20),
  KEYWARD_SIGN_IN_FAILURES_PER_EMAIL: z.coerce.number().int().min(1).max(1000).default(5),
  KEYWARD_SIGN_IN_FAILURES_PER_IP: z.coerce.number().int().min(1).max(100_000).default(50),
  KEYWARD_WEB_DIST: z.string().min(1).default("./web/dist"),
});

/** Keyward's runtime configuration, read from the environment once at start-up. */
export interface Config {
  databaseUrl: string;
  port: number;
  host: string;
  logLevel: z.infer<typeof configSchema>["KEYWARD_LOG_LEVEL"];
  keyCacheSize: number;
  keyCacheMaxAgeMs: number;
  usageFlushMs: number;
  sessionIdleMs: number;
  sessionMaxMs: number;
  trustProxy: boolean;
  secureCookies: "auto" | "always" | "never";
  redisUrl: string | undefined;
  bodyLimitBytes: number;
  webDistDir: string;
  keyFailuresPerMinute: number;
  signInFailuresPerEmail: number;
  signInFailuresPerIp: number;
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
    logLevel: e.KEYWARD_LOG_LEVEL,
    keyCacheSize: e.KEYWARD_KEY_CACHE_SIZE,
    keyCacheMaxAgeMs: e.KEYWARD_KEY_CACHE_MAX_AGE_SECONDS * 1000,
    usageFlushMs: e.KEYWARD_USAGE_FLUSH_SECONDS * 1000,
    sessionIdleMs: e.KEYWARD_SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.KEYWARD_SESSION_MAX_HOURS * 3_600_000,
    trustProxy: e.KEYWARD_TRUST_PROXY,
    secureCookies: e.KEYWARD_SECURE_COOKIES,
    redisUrl: e.KEYWARD_REDIS_URL,
    bodyLimitBytes: e.KEYWARD_BODY_LIMIT_BYTES,
    webDistDir: e.KEYWARD_WEB_DIST,
    keyFailuresPerMinute: e.KEYWARD_KEY_FAILURES_PER_MINUTE,
    signInFailuresPerEmail: e.KEYWARD_SIGN_IN_FAILURES_PER_EMAIL,
    signInFailuresPerIp: e.KEYWARD_SIGN_IN_FAILURES_PER_IP,
  };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}
