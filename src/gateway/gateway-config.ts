import { readFileSync } from "node:fs";
import * as z from "zod";
import { ConfigFileError, parseYamlWithSchema } from "../shared/yaml-file.js";

const permissionSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_-]{0,39}:(read|write)$/,
    "must be section:read or section:write, e.g. reporting:read",
  );

const ruleSchema = z.strictObject({
  method: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => [value].flat().map((method) => method.toUpperCase()))
    .pipe(
      z.array(
        z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "*"], {
          error: "must be an HTTP method, a list of them, or *",
        }),
      ),
    ),
  path: z
    .string()
    .startsWith("/", "must start with /")
    .refine((path) => !path.slice(0, -1).includes("*"), "may use * only as the last character"),
  /** `section:access`, or `any` for any valid key. */
  permission: z.union([z.literal("any"), permissionSchema]),
});

export type RouteRule = z.output<typeof ruleSchema>;

/** An environment variable's name: secrets stay out of the file. */
const envName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, "must name an environment variable, e.g. KEYWARD_SERVICE_TOKEN");

export const gatewayConfigSchema = z.strictObject({
  listen: z
    .strictObject({
      host: z.string().min(1).default("127.0.0.1"),
      port: z.int().min(0).max(65535).default(8080),
    })
    .default({ host: "127.0.0.1", port: 8080 }),
  upstream: z.url({ error: "must be the upstream's base URL, e.g. http://127.0.0.1:9000" }),
  keyward: z.strictObject({
    url: z.url({ error: "must be Keyward's base URL, e.g. http://127.0.0.1:3000" }),
    serviceTokenEnv: envName.default("KEYWARD_SERVICE_TOKEN"),
    cacheSize: z.int().min(0).max(10_000_000).default(10_000),
  }),
  signingSecretEnv: envName.default("KEYWARD_GATEWAY_SIGNING_SECRET"),
  timeoutSeconds: z.number().min(0.1).max(3600).default(30),
  bodyLimitBytes: z.int().min(1024).default(10_485_760),
  /** First match wins; a request no rule matches is refused (404) and never reaches the upstream. */
  routes: z.array(ruleSchema).min(1, "must list at least one route rule"),
});

export type GatewayFileConfig = z.output<typeof gatewayConfigSchema>;

export interface GatewayConfig extends Omit<GatewayFileConfig, "keyward" | "signingSecretEnv"> {
  keyward: { url: string; serviceToken: string; cacheSize: number };
  signingSecret: string;
}

/** Reads gateway.yaml and the secrets it names from the environment; errors name the line, field or variable. */
export function loadGatewayConfig(path: string, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigFileError(
      `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  return resolveGatewayConfig(parseYamlWithSchema(text, path, gatewayConfigSchema), env);
}

export function resolveGatewayConfig(file: GatewayFileConfig, env: NodeJS.ProcessEnv): GatewayConfig {
  const serviceToken = env[file.keyward.serviceTokenEnv];
  const signingSecret = env[file.signingSecretEnv];
  const missing: string[] = [];
  if (!serviceToken) missing.push(`${file.keyward.serviceTokenEnv} (a service token, kws_…)`);
  if (!signingSecret || signingSecret.length < 32) {
    missing.push(`${file.signingSecretEnv} (at least 32 characters; the upstream checks signatures with it)`);
  }
  if (missing.length > 0 || serviceToken === undefined || signingSecret === undefined) {
    throw new ConfigFileError(`Set these environment variables: ${missing.join("; ")}`);
  }
  const { keyward, signingSecretEnv: _unused, ...rest } = file;
  return {
    ...rest,
    keyward: { url: keyward.url, serviceToken, cacheSize: keyward.cacheSize },
    signingSecret,
  };
}
