import { ActionIcon, Badge, Group, Menu, Stack, Text } from "@mantine/core";
import {
  IconDots,
  IconKey,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconSend,
} from "@tabler/icons-react";
import { formatRelative } from "../../format";
import type { useWebhookActions } from "./webhook-actions";
import type { WebhookEndpoint, WebhookEndpointSummary } from "./webhook-api";

/** Enabled or Disabled, with why Keyward disabled it or since when it has been failing. */
export function EndpointState({ endpoint }: { endpoint: WebhookEndpoint }) {
  return (
    <Stack gap={2} align="flex-start">
      <Badge variant="dot" color={endpoint.isEnabled ? "teal" : "gray"} style={{ flexShrink: 0 }}>
        {endpoint.isEnabled ? "Enabled" : "Disabled"}
      </Badge>
      {endpoint.disabledReason && (
        <Text size="xs" c="dimmed" className="user-text">
          {endpoint.disabledReason}
        </Text>
      )}
      {endpoint.isEnabled && endpoint.failingSince && (
        <Text size="xs" c="orange.9">
          Failing since {formatRelative(endpoint.failingSince)}
        </Text>
      )}
    </Stack>
  );
}

/** The row menu: Edit, Send test event, Rotate secret, Enable/Disable. */
export function EndpointActions({
  endpoint,
  actions,
}: {
  endpoint: WebhookEndpoint;
  actions: ReturnType<typeof useWebhookActions>;
}) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${endpoint.url}`}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => actions.edit(endpoint)}>
          Edit
        </Menu.Item>
        <Menu.Item
          leftSection={<IconSend size={16} />}
          disabled={!endpoint.isEnabled}
          onClick={() => actions.sendTest(endpoint)}
        >
          Send test event
        </Menu.Item>
        <Menu.Item leftSection={<IconKey size={16} />} onClick={() => actions.rotate(endpoint)}>
          Rotate secret
        </Menu.Item>
        {endpoint.isEnabled ? (
          <Menu.Item
            leftSection={<IconPlayerPause size={16} />}
            color="var(--mantine-color-error)"
            onClick={() => actions.setEnabled(endpoint, false)}
          >
            Disable
          </Menu.Item>
        ) : (
          <Menu.Item
            leftSection={<IconPlayerPlay size={16} />}
            onClick={() => actions.setEnabled(endpoint, true)}
          >
            Enable
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}

const deliveryColors = { pending: "yellow", delivered: "teal", failed: "red" } as const;
const deliveryLabels = { pending: "Pending", delivered: "Delivered", failed: "Failed" } as const;

/** Delivered, Pending or Failed with its status code and time; "None yet" before the first. */
export function DeliveryStatus({
  status,
  statusCode,
}: {
  status: keyof typeof deliveryLabels;
  statusCode: number | null;
}) {
  return (
    <Group gap={6} wrap="nowrap">
      <Badge variant="dot" color={deliveryColors[status]} style={{ flexShrink: 0 }}>
        {deliveryLabels[status]}
      </Badge>
      {statusCode !== null && <Text size="sm">HTTP {statusCode}</Text>}
    </Group>
  );
}

export function LastDelivery({ endpoint }: { endpoint: WebhookEndpointSummary }) {
  const last = endpoint.lastDelivery;
  if (!last) {
    return (
      <Text size="sm" c="dimmed">
        None yet
      </Text>
    );
  }
  return (
    <Stack gap={2} align="flex-start">
      <DeliveryStatus status={last.status} statusCode={last.statusCode} />
      <Text size="xs" c="dimmed">
        <span className="mono">{last.eventType}</span> · {formatRelative(last.at)}
      </Text>
    </Stack>
  );
}
