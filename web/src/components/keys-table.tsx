import { ActionIcon, Badge, Group, Menu, Paper, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { IconBan, IconDots, IconPencil } from "@tabler/icons-react";
import type { ApiKey } from "../api";
import { RelativeTime } from "./relative-time";
import { TableFrame } from "./table-frame";

interface KeysTableProps {
  keys: ApiKey[];
  viewerId: string;
  isAdministrator: boolean;
  onEdit: (key: ApiKey) => void;
  onRevoke: (key: ApiKey) => void;
}

/** The keys on the Manage API Keys page: a table on wide screens, cards on phones. */
export function KeysTable(props: KeysTableProps) {
  const isPhone = useMediaQuery("(max-width: 47.99em)");
  return isPhone ? <KeyCards {...props} /> : <KeyRows {...props} />;
}

function KeyRows({ keys, viewerId, isAdministrator, onEdit, onRevoke }: KeysTableProps) {
  return (
    <TableFrame label="API keys" minWidth={isAdministrator ? 980 : 820}>
      <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Key</Table.Th>
            <Table.Th scope="col">Permissions</Table.Th>
            {isAdministrator && <Table.Th scope="col">Owner</Table.Th>}
            <Table.Th scope="col">Created</Table.Th>
            <Table.Th scope="col">Last used</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((key) => (
            <Table.Tr key={key.id}>
              <Table.Td>
                <Text fw={600} size="sm">
                  {key.name}
                </Text>
              </Table.Td>
              <Table.Td>
                <KeyHint apiKey={key} />
              </Table.Td>
              <Table.Td maw={280}>
                <Text size="sm">{key.permissionsSummary}</Text>
              </Table.Td>
              {isAdministrator && (
                <Table.Td>
                  <Owner apiKey={key} viewerId={viewerId} />
                </Table.Td>
              )}
              <Table.Td>
                <RelativeTime value={key.createdAt} />
              </Table.Td>
              <Table.Td>
                <LastUsed apiKey={key} />
              </Table.Td>
              <Table.Td>
                <KeyStatus apiKey={key} />
              </Table.Td>
              <Table.Td ta="right">
                <KeyActions apiKey={key} canRevoke={isAdministrator} onEdit={onEdit} onRevoke={onRevoke} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

function KeyCards({ keys, viewerId, isAdministrator, onEdit, onRevoke }: KeysTableProps) {
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }} aria-label="API keys">
      {keys.map((key) => (
        <Paper component="li" withBorder radius="lg" p="md" key={key.id}>
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Stack gap={2}>
              <Text fw={600}>{key.name}</Text>
              <KeyHint apiKey={key} />
            </Stack>
            <KeyActions apiKey={key} canRevoke={isAdministrator} onEdit={onEdit} onRevoke={onRevoke} />
          </Group>
          <Text size="sm" mt="xs">
            {key.permissionsSummary}
          </Text>
          {isAdministrator && (
            <Group gap={6} mt="xs">
              <Text size="sm" c="dimmed">
                Owner:
              </Text>
              <Owner apiKey={key} viewerId={viewerId} />
            </Group>
          )}
          <Group justify="space-between" mt="sm" align="flex-end">
            <Stack gap={0}>
              <Text size="xs" c="dimmed">
                Created <RelativeTime value={key.createdAt} size="xs" c="dimmed" />
              </Text>
              <Text size="xs" c="dimmed" component="div">
                Last used{" "}
                {key.lastUsedAt ? <RelativeTime value={key.lastUsedAt} size="xs" c="dimmed" /> : "never"}
              </Text>
            </Stack>
            <KeyStatus apiKey={key} />
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}

function KeyHint({ apiKey }: { apiKey: ApiKey }) {
  return (
    <Text size="sm" className="mono" style={{ whiteSpace: "nowrap" }} title="The last characters of the key">
      {apiKey.hint}
    </Text>
  );
}

function Owner({ apiKey, viewerId }: { apiKey: ApiKey; viewerId: string }) {
  return (
    <div>
      <Text size="sm">{apiKey.owner.id === viewerId ? `${apiKey.owner.name} (you)` : apiKey.owner.name}</Text>
      <Text size="xs" c="dimmed">
        {apiKey.owner.email}
      </Text>
    </div>
  );
}

function LastUsed({ apiKey }: { apiKey: ApiKey }) {
  if (!apiKey.lastUsedAt) {
    return (
      <Text size="sm" c="dimmed">
        Never
      </Text>
    );
  }
  return (
    <Stack gap={0}>
      <RelativeTime value={apiKey.lastUsedAt} />
      {apiKey.lastUsedIp && (
        <Text size="xs" c="dimmed" className="mono">
          {apiKey.lastUsedIp}
        </Text>
      )}
    </Stack>
  );
}

function KeyStatus({ apiKey }: { apiKey: ApiKey }) {
  if (apiKey.status === "active") {
    return (
      <Badge variant="dot" color="green">
        Active
      </Badge>
    );
  }
  return (
    <Stack gap={2} align="flex-start">
      <Badge variant="dot" color="red">
        Revoked
      </Badge>
      {apiKey.revokedAt && (
        <Text size="xs" c="dimmed" component="div">
          {apiKey.revokedBy ? `by ${apiKey.revokedBy.name}, ` : ""}
          <RelativeTime value={apiKey.revokedAt} size="xs" c="dimmed" />
        </Text>
      )}
    </Stack>
  );
}

/** Edit for everyone who sees the key; Revoke only for Administrators. Revoked keys have no actions. */
function KeyActions({
  apiKey,
  canRevoke,
  onEdit,
  onRevoke,
}: {
  apiKey: ApiKey;
  canRevoke: boolean;
  onEdit: (key: ApiKey) => void;
  onRevoke: (key: ApiKey) => void;
}) {
  if (apiKey.status !== "active") return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${apiKey.name}`}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => onEdit(apiKey)}>
          Edit
        </Menu.Item>
        {canRevoke && (
          <Menu.Item leftSection={<IconBan size={16} />} color="red.9" onClick={() => onRevoke(apiKey)}>
            Revoke
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
