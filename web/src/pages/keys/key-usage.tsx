import { Group, Paper, SegmentedControl, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { LoadingRows } from "../../components/loading-rows";
import { RelativeTime } from "../../components/relative-time";
import { TableFrame } from "../../components/table-frame";
import { formatAbsolute } from "../../format";
import { type KeyDetail, keyApi, type UsageRange } from "./key-api";

// The chart library loads only when a key's usage is first shown: never with the sign-in page or the list.
const UsageChart = lazy(() => import("./usage-chart").then((m) => ({ default: m.UsageChart })));

const ranges: { value: UsageRange; label: string }[] = [
  { value: "1h", label: "1 hour" },
  { value: "24h", label: "24 hours" },
  { value: "7d", label: "7 days" },
  { value: "30d", label: "30 days" },
  { value: "90d", label: "90 days" },
];

const number = new Intl.NumberFormat("en");

/** Requests over a range: a chart with a table alternative, the busiest routes and client addresses. */
export function KeyUsagePanel({ apiKey }: { apiKey: KeyDetail }) {
  const [range, setRange] = useState<UsageRange>("24h");
  const usage = useQuery({
    queryKey: ["key", apiKey.id, "usage", range],
    queryFn: () => keyApi.getUsage(apiKey.id, range),
    refetchInterval: 30_000,
  });
  return (
    <Paper withBorder radius="lg" p="lg">
      <Stack gap="md">
        <Group justify="space-between" gap="sm">
          <Title order={2} size="h4">
            Usage
          </Title>
          <SegmentedControl
            aria-label="Usage range"
            value={range}
            onChange={(value) => setRange(value as UsageRange)}
            data={ranges}
            size="xs"
          />
        </Group>
        {usage.isPending ? (
          <LoadingRows label="Loading usage" rows={3} />
        ) : usage.isError ? (
          <Text c="red.9">{usage.error.message}</Text>
        ) : (
          <>
            <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
              <Total label="Requests" value={usage.data.totals.requests} testId="usage-requests" />
              <Total label="Successful (2xx)" value={usage.data.totals["2xx"]} />
              <Total label="Errors (4xx/5xx)" value={usage.data.totals["4xx"] + usage.data.totals["5xx"]} />
              <Total label="Refused by Keyward" value={usage.data.totals.refused} />
            </SimpleGrid>
            <Text size="sm" c="dimmed" data-testid="rate-limit-status">
              {apiKey.rateLimit
                ? `Rate limit ${apiKey.rateLimit}. Requests refused by Keyward in this range (rate limited, wrong address, expired…): ${number.format(usage.data.totals.refused)}.`
                : "No rate limit: Keyward doesn't slow this key down."}
            </Text>
            {usage.data.series.length === 0 ? (
              <Text size="sm" c="dimmed">
                No requests in this range.
              </Text>
            ) : (
              <>
                <Suspense fallback={<LoadingRows label="Loading the chart" rows={1} height={240} />}>
                  <UsageChart usage={usage.data} />
                </Suspense>
                <details>
                  <summary>Requests over time as a table</summary>
                  <TableFrame label="Requests over time" minWidth={360}>
                    <Table>
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th scope="col">From</Table.Th>
                          <Table.Th scope="col">2xx</Table.Th>
                          <Table.Th scope="col">3xx</Table.Th>
                          <Table.Th scope="col">4xx</Table.Th>
                          <Table.Th scope="col">5xx</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {usage.data.series.map((point) => (
                          <Table.Tr key={point.bucket}>
                            <Table.Td>{formatAbsolute(point.bucket)}</Table.Td>
                            <Table.Td>{point["2xx"]}</Table.Td>
                            <Table.Td>{point["3xx"]}</Table.Td>
                            <Table.Td>{point["4xx"]}</Table.Td>
                            <Table.Td>{point["5xx"]}</Table.Td>
                          </Table.Tr>
                        ))}
                      </Table.Tbody>
                    </Table>
                  </TableFrame>
                </details>
              </>
            )}
            {usage.data.routes.length > 0 && (
              <TableFrame label="Top routes" minWidth={420}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Route</Table.Th>
                      <Table.Th scope="col">Permission</Table.Th>
                      <Table.Th scope="col">Requests</Table.Th>
                      <Table.Th scope="col">Error rate</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {[...usage.data.routes]
                      .sort((a, b) => b.requests - a.requests)
                      .slice(0, 10)
                      .map((route) => (
                        <Table.Tr key={route.route}>
                          <Table.Td className="mono">{route.route}</Table.Td>
                          <Table.Td className="mono">{route.permission}</Table.Td>
                          <Table.Td>{number.format(route.requests)}</Table.Td>
                          <Table.Td>
                            {Math.round((route.errors / Math.max(route.requests, 1)) * 100)}%
                          </Table.Td>
                        </Table.Tr>
                      ))}
                  </Table.Tbody>
                </Table>
              </TableFrame>
            )}
            <Title order={3} size="h5">
              Recent client IP addresses
            </Title>
            {usage.data.clientIps.length === 0 ? (
              <Text size="sm" c="dimmed">
                None in this range.
              </Text>
            ) : (
              <TableFrame label="Recent client IP addresses" minWidth={420}>
                <Table>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th scope="col">Address</Table.Th>
                      <Table.Th scope="col">First seen</Table.Th>
                      <Table.Th scope="col">Last seen</Table.Th>
                      <Table.Th scope="col">Requests</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {usage.data.clientIps.map((client) => (
                      <Table.Tr key={client.ip}>
                        <Table.Td className="mono">{client.ip}</Table.Td>
                        <Table.Td>
                          <RelativeTime value={client.firstSeenAt} />
                        </Table.Td>
                        <Table.Td>
                          <RelativeTime value={client.lastSeenAt} />
                        </Table.Td>
                        <Table.Td>{number.format(client.requests)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </TableFrame>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

function Total({ label, value, testId }: { label: string; value: number; testId?: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="xl" fw={700} data-testid={testId}>
        {number.format(value)}
      </Text>
    </Stack>
  );
}
