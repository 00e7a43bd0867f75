import type { Config } from "../config.js";

type Step = "database" | "migrations" | "listen" | "metrics" | "redis" | "notifications";

/** A start-up step that failed; `serve` turns it into one fatal log line and exit code 1. */
export class StartFailure extends Error {
  override name = "StartFailure";
  constructor(
    readonly step: Step,
    override readonly cause: unknown,
  ) {
    super(`${step} failed`);
  }
}

/** The fatal line's fields: what failed, in words an operator can act on, and the error's code. */
export function describeStartFailure(error: unknown, config: Config): { code?: string; message: string } {
  const step = error instanceof StartFailure ? error.step : undefined;
  const cause = (error instanceof StartFailure ? error.cause : error) as NodeJS.ErrnoException | undefined;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const reason = cause instanceof Error ? cause.message : String(cause);
  const withCode = (message: string) => (code === undefined ? { message } : { code, message });
  switch (step) {
    case "listen":
      return withCode(
        `cannot listen on ${config.host}:${config.port}: ${listenReason(config.port, config, cause)}`,
      );
    case "metrics":
      return withCode(
        `cannot listen on ${config.host}:${config.metricsPort} (KEYWARD_METRICS_PORT): ${listenReason(config.metricsPort ?? 0, config, cause)}`,
      );
    case "database":
    case "migrations":
      return withCode(
        `cannot start: the database (KEYWARD_DATABASE) ${step === "database" ? "could not be opened" : "could not be migrated"}: ${reason}`,
      );
    case "redis":
      return withCode(
        `cannot start: Redis (KEYWARD_REDIS_URL) did not answer within ${config.redisTimeoutMs} ms; check the URL and that Redis is up`,
      );
    case "notifications":
      return withCode(`cannot start: could not subscribe to change notifications on the database: ${reason}`);
    default:
      return withCode(`cannot start: ${reason}`);
  }
}

function listenReason(port: number, config: Config, error: NodeJS.ErrnoException | undefined): string {
  const reasons: Record<string, string> = {
    EADDRINUSE: `port ${port} is already in use; set ${port === config.port ? "PORT" : "KEYWARD_METRICS_PORT"} to a free port`,
    ENOTFOUND: `HOST ${config.host} could not be resolved; set HOST to a name or address of this machine`,
    EAI_AGAIN: `HOST ${config.host} could not be resolved (DNS did not answer)`,
    EADDRNOTAVAIL: `${config.host} is not an address of this machine; set HOST to one that is`,
    EACCES: `no permission to listen on port ${port}; choose a port above 1023`,
  };
  return reasons[error?.code ?? ""] ?? error?.message ?? "unknown error";
}
