import { Agent, request } from "node:http";

export interface ProbeTarget {
  path: string;
  headers: Record<string, string>;
}

/**
 * Sequential requests over one kept-alive connection, alternating between the targets request by
 * request, so drift on a noisy machine lands on both equally. Returns each target's latencies (ms).
 */
export async function probeAlternating(
  baseUrl: string,
  targets: ProbeTarget[],
  samplesPerTarget: number,
): Promise<number[][]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies = targets.map(() => [] as number[]);
  try {
    for (let i = 0; i < samplesPerTarget; i++) {
      for (const [index, target] of targets.entries()) {
        const start = process.hrtime.bigint();
        const status = await get(agent, `${baseUrl}${target.path}`, target.headers);
        const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
        if (status !== 200) throw new Error(`${target.path} answered ${status}`);
        latencies[index]?.push(elapsed);
      }
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}

function get(agent: Agent, url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}
