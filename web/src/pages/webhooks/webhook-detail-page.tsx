import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import {
  IconArrowLeft,
  IconKey,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconSend,
  IconWebhook,
} from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useParams } from "react-router";
import { LoadingRows } from "../../components/loading-rows";
import { Notice } from "../../components/notice";
import { RelativeTime } from "../../components/relative-time";
import { TableFrame } from "../../components/table-frame";
import { useSession } from "../../session";
import { useWebhookActions } from "./webhook-actions";
import {
  describeEvents,
  useWebhookEndpoints,
  type WebhookDelivery,
  type WebhookEndpoint,
  webhookApi,
} from "./webhook-api";
import { DeliveryStatus, EndpointState } from "./webhook-parts";
import { AdministratorsOnly } from "./webhooks-page";

/** One endpoint: what it receives, its controls, and its delivery log. */
export function WebhookDetailPage() {
  useDocumentTitle("Webhook endpoint · Keyward");
  const { user } = useSession();
  if (user.role !== "administrator") return <AdministratorsOnly />;
  return <WebhookDetail />;
}

function WebhookDetail() {
  const { id = "" } = useParams();
  const endpoints = useWebhookEndpoints();
  if (endpoints.isPending) return <LoadingRows label="Loading the webhook endpoint" />;
  const endpoint = endpoints.data?.items.find((item) => item.id === id);
  if (!endpoint) {
    return (
      <Notice icon={<IconWebhook size={26} />} title="No such webhook endpoint">
        {endpoints.error?.message ?? "It isn't in this account."}
        <Group justify="center" mt="sm">
          <Anchor component={Link} to="/settings/webhooks">
            Back to Webhooks
          </Anchor>
        </Group>
      </Notice>
    );
  }
  return <EndpointView endpoint={endpoint} />;
}

function EndpointView({ endpoint }: { endpoint: WebhookEndpoint }) {
  const actions = useWebhookActions();
  return (
    <Stack gap="lg">
      <Anchor component={Link} to="/settings/webhooks" size="sm">
        <Group gap={4} component="span">
          <IconArrowLeft size={16} aria-hidden /> Webhooks
        </Group>
      </Anchor>
      <Group justify="space-between" align="flex-start" gap="md">
        <Stack gap={6} miw={0} style={{ flex: "1 1 20rem" }}>
          <Title order={1} size="h3" className="user-text mono">
            {endpoint.url}
          </Title>
          {endpoint.description && (
            <Text c="dimmed" className="user-text">
              {endpoint.description}
            </Text>
          )}
        </Stack>
        <Group gap="sm">
          <Button
            variant="default"
            leftSection={<IconSend size={16} />}
            disabled={!endpoint.isEnabled}
            loading={actions.isSendingTest}
            onClick={() => actions.sendTest(endpoint)}
          >
            Send test event
          </Button>
          <Button
            variant="default"
            leftSection={<IconPencil size={16} />}
            onClick={() => actions.edit(endpoint)}
          >
            Edit
          </Button>
          <Button
            variant="default"
            leftSection={<IconKey size={16} />}
            onClick={() => actions.rotate(endpoint)}
          >
            Rotate secret
          </Button>
          {endpoint.isEnabled ? (
            <Button
              color="red.9"
              variant="outline"
              leftSection={<IconPlayerPause size={16} />}
              onClick={() => actions.setEnabled(endpoint, false)}
            >
              Disable
            </Button>
          ) : (
            <Button
              leftSection={<IconPlayerPlay size={16} />}
              onClick={() => actions.setEnabled(endpoint, true)}
            >
              Enable
            </Button>
          )}
        </Group>
      </Group>

      <Paper withBorder radius="lg" p="lg">
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md" component="dl" m={0}>
          <Field label="State">
            <EndpointState endpoint={endpoint} />
          </Field>
          <Field label="Events">
            <Text size="sm" className="user-text">
              {describeEvents(endpoint.events)}
            </Text>
          </Field>
          <Field label="Added">
            <RelativeTime value={endpoint.createdAt} />
          </Field>
        </SimpleGrid>
      </Paper>

      <DeliveryLog endpointId={endpoint.id} />
      {actions.dialogs}
    </Stack>
  );
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text component="dt" size="xs" fw={700} c="dimmed" tt="uppercase">
        {label}
      </Text>
      <Text component="dd" m={0} mt={4}>
        {children}
      </Text>
    </div>
  );
}

/** The latest 100 deliveries, refreshed every few seconds while any is still on its way. */
function DeliveryLog({ endpointId }: { endpointId: string }) {
  const deliveries = useQuery({
    queryKey: ["webhook-deliveries", endpointId],
    queryFn: () => webhookApi.listDeliveries(endpointId),
    refetchInterval: (query) =>
      query.state.data?.items.some((delivery) => delivery.status === "pending") ? 2000 : false,
  });
  return (
    <Stack gap="sm">
      <Title order={2} size="h3">
        Delivery log
      </Title>
      {deliveries.isPending ? (
        <LoadingRows label="Loading the delivery log" />
      ) : deliveries.isError ? (
        <Text c="dimmed">{deliveries.error.message}</Text>
      ) : deliveries.data.items.length === 0 ? (
        <Text c="dimmed">Nothing sent yet. Send a test event to check that your receiver accepts it.</Text>
      ) : (
        <>
          <TableFrame label="Delivery log" minWidth={720}>
            <Table verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Event</Table.Th>
                  <Table.Th scope="col">Status</Table.Th>
                  <Table.Th scope="col">Attempts</Table.Th>
                  <Table.Th scope="col">Response time</Table.Th>
                  <Table.Th scope="col">Time</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {deliveries.data.items.map((delivery) => (
                  <DeliveryRow key={delivery.id} delivery={delivery} />
                ))}
              </Table.Tbody>
            </Table>
          </TableFrame>
          {deliveries.data.items.length >= 100 && (
            <Text size="sm" c="dimmed">
              The latest 100 deliveries are shown.
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}

function DeliveryRow({ delivery }: { delivery: WebhookDelivery }) {
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" className="mono">
          {delivery.eventType}
        </Text>
        <Text size="xs" c="dimmed" className="mono">
          {delivery.id}
        </Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={2} align="flex-start">
          <DeliveryStatus status={delivery.status} statusCode={delivery.lastStatusCode} />
          {delivery.lastStatusCode === null && (
            <Text size="sm" c="dimmed">
              {delivery.attempts === 0 ? "Not sent yet" : "No response"}
            </Text>
          )}
          {delivery.lastError && (
            <Text size="xs" c="dimmed" className="user-text">
              {delivery.lastError}
            </Text>
          )}
          {delivery.nextAttemptAt && (
            <Text size="xs" c="dimmed">
              Next attempt <RelativeTime value={delivery.nextAttemptAt} size="xs" span />
            </Text>
          )}
        </Stack>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{delivery.attempts}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{delivery.lastResponseMs === null ? "—" : `${delivery.lastResponseMs} ms`}</Text>
      </Table.Td>
      <Table.Td>
        <RelativeTime value={delivery.deliveredAt ?? delivery.createdAt} />
      </Table.Td>
    </Table.Tr>
  );
}
