// Reads a V8 .cpuprofile (node --cpu-prof) and lists the frames that cost the most: by self time
// (where the CPU actually was) and by total time (what a frame and everything it called cost).

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * A text table of the top `count` frames by self and by total share of the samples; only the samples
 * of the last `windowMs` before `endGapMs` from the profile's end (the measured load, not start-up).
 */
export function summarizeProfile(
  profile: CpuProfile,
  count: number,
  windowMs = Infinity,
  endGapMs = 0,
): string {
  const to = profile.endTime - endGapMs * 1000;
  const from = to - windowMs * 1000;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let samples = 0;
  let at = profile.startTime;
  for (const [index, id] of profile.samples.entries()) {
    at += profile.timeDeltas[index] ?? 0;
    const node = byId.get(id);
    if (node === undefined || at < from || at > to) continue;
    samples++;
    const name = frameName(node);
    self.set(name, (self.get(name) ?? 0) + 1);
    // Each frame once per sample, however deep its recursion.
    const seen = new Set<string>();
    for (let frameId: number | undefined = id; frameId !== undefined; frameId = parentOf.get(frameId)) {
      const frame = byId.get(frameId);
      if (frame === undefined) break;
      const frameKey = frameName(frame);
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      total.set(frameKey, (total.get(frameKey) ?? 0) + 1);
    }
  }
  const table = (title: string, counts: Map<string, number>) => {
    const rows = [...counts].sort((a, b) => b[1] - a[1]).slice(0, count);
    return [
      `${title} (${samples} samples)`,
      ...rows.map(([name, n]) => `${((100 * n) / samples).toFixed(1).padStart(5)} %  ${name}`),
    ].join("\n");
  };
  return `${table("Self time", self)}\n\n${table("Total time", total)}\n`;
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === "" ? "" : ` ${shortPath(url)}:${lineNumber + 1}`;
  return `${functionName || "(anonymous)"}${where}`;
}

function shortPath(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("node_modules/");
  if (modules >= 0) return path.slice(modules + "node_modules/".length);
  const src = path.indexOf("/src/");
  return src >= 0 ? path.slice(src + 1) : path.replace(/^.*\//, "");
}
