/** Upper bounds in seconds: sub-millisecond resolution for cached verifications, up to slow pages. */
export const durationBuckets = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
] as const;

interface Series {
  labels: string;
  /** Per-bucket counts (not cumulative); the last slot counts values above every bound. */
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram of request durations by route, method and status, recorded without building
 * label strings per request: each route holds its own series by status code, and labels are formatted
 * once when a series first appears. Rendered in the text exposition format at scrape time.
 */
export class RequestDurations {
  private readonly name: string;
  private readonly series: Series[] = [];

  constructor(name = "keyward_http_request_duration_seconds") {
    this.name = name;
  }

  /** The recorder for one route; call `observe(statusCode, milliseconds)` per response. */
  forRoute(method: string, route: string): RouteDurations {
    const byStatus = new Map<number, Series>();
    const routeLabels = `route="${escapeLabel(route)}",method="${escapeLabel(method)}"`;
    return {
      observe: (statusCode, milliseconds) => {
        let series = byStatus.get(statusCode);
        if (series === undefined) {
          series = this.newSeries(`${routeLabels},status_code="${statusCode}"`);
          byStatus.set(statusCode, series);
        }
        record(series, milliseconds / 1000);
      },
    };
  }

  render(): string {
    const lines = [
      `# HELP ${this.name} Time to serve an HTTP request, by route template, method and status code.`,
      `# TYPE ${this.name} histogram`,
    ];
    for (const series of this.series) {
      let cumulative = 0;
      durationBuckets.forEach((bound, i) => {
        cumulative += series.counts[i] ?? 0;
        lines.push(`${this.name}_bucket{${series.labels},le="${bound}"} ${cumulative}`);
      });
      lines.push(`${this.name}_bucket{${series.labels},le="+Inf"} ${series.count}`);
      lines.push(`${this.name}_sum{${series.labels}} ${series.sum}`);
      lines.push(`${this.name}_count{${series.labels}} ${series.count}`);
    }
    return `${lines.join("\n")}\n`;
  }

  private newSeries(labels: string): Series {
    const series = {
      labels,
      counts: new Array<number>(durationBuckets.length + 1).fill(0),
      sum: 0,
      count: 0,
    };
    this.series.push(series);
    return series;
  }
}

export interface RouteDurations {
  observe(statusCode: number, milliseconds: number): void;
}

function record(series: Series, seconds: number): void {
  let i = 0;
  while (i < durationBuckets.length && seconds > (durationBuckets[i] ?? 0)) i++;
  series.counts[i] = (series.counts[i] ?? 0) + 1;
  series.sum += seconds;
  series.count++;
}

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}
