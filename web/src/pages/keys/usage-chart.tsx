import "@mantine/charts/styles.css";
import { BarChart } from "@mantine/charts";
import type { KeyUsage } from "./key-api";

const timeFormat = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", hour: "2-digit" });
const dayFormat = new Intl.DateTimeFormat("en", { month: "short", day: "numeric" });

/** Requests over time by status class, stacked. Loaded on demand: the charting library is large. */
export function UsageChart({ usage }: { usage: KeyUsage }) {
  const format = usage.bucketSeconds >= 86_400 ? dayFormat : timeFormat;
  const data = usage.series.map((point) => ({ ...point, label: format.format(new Date(point.bucket)) }));
  return (
    <div
      data-testid="usage-chart"
      role="img"
      aria-label="Requests over time by status class; the table below has the numbers"
    >
      <BarChart
        h={240}
        data={data}
        dataKey="label"
        type="stacked"
        withLegend
        series={[
          { name: "2xx", color: "teal.8" },
          { name: "3xx", color: "blue.8" },
          { name: "4xx", color: "orange.8" },
          { name: "5xx", color: "red.9" },
        ]}
      />
    </div>
  );
}
