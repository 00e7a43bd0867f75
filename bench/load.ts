import autocannon from "autocannon";
import { withCpu } from "./process-stats.js";

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  /** Requests in flight per connection (HTTP pipelining); 1 by default. */
  pipelining?: number;
  headers?: Record<string, string>;
  /** Picks the Authorization header per request (keys drawn from many). */
  authorizationFor?: () => string;
  /** The server's pid, to report how busy it was (1.0 = one core saturated). */
  serverPid: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
  serverCpu: number;
  /** Server CPU time per request (µs): the cost, whatever share of a core the server got. */
  serverMicrosPerRequest: number;
}

/** One autocannon run from this process (the server runs in another). */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { authorizationFor } = options;
  const { result, cpu } = await withCpu(options.serverPid, () =>
    autocannon({
      url: options.url,
      connections: options.connections,
      pipelining: options.pipelining ?? 1,
      duration: options.seconds,
      headers: options.headers ?? {},
      ...(authorizationFor
        ? {
            requests: [
              {
                setupRequest: (request) => ({
                  ...request,
                  headers: { ...request.headers, authorization: authorizationFor() },
                }),
              },
            ],
          }
        : {}),
    }),
  );
  const seconds = result.duration || options.seconds;
  return {
    requestsPerSecond: result.requests.total / seconds,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    serverCpu: cpu,
    serverMicrosPerRequest: (cpu * seconds * 1e6) / Math.max(1, result.requests.total),
  };
}
