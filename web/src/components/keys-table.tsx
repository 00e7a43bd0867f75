import { Group, Paper, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useIsPhone } from "../layout";
import type { KeyDetail } from "../pages/keys/key-api";
import { KeyStatusSummary } from "../pages/keys/key-status";
import { KeyActions, KeyHint, KeyName, LastUsed, Owner } from "./key-parts";
import { RelativeTime } from "./relative-time";
import { TableFrame } from "./table-frame";

interface KeysTableProps {
  keys: KeyDetail[];
  viewerId: string;
  isAdministrator: boolean;
  onEdit: (key: KeyDetail) => void;
  onRoll: (key: KeyDetail) => void;
  onRevoke: (key: KeyDetail) => void;
}

/** The keys on the Manage API Keys page: a table on wide screens, cards on phones. */
export function KeysTable(props: KeysTableProps) {
  const isPhone = useIsPhone();
  return isPhone ? <KeyCards {...props} /> : <KeyRows {...props} />;
}

function KeyRows({ keys, viewerId, isAdministrator, onEdit, onRoll, onRevoke }: KeysTableProps) {
  return (
    <TableFrame label="API keys" minWidth={isAdministrator ? 980 : 820}>
      <Table verticalSpacing="sm" horizontalSpacing="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Key</Table.Th>
            <Table.Th scope="col">Permissions</Table.Th>
            {isAdministrator && <Table.Th scope="col">Owner</Table.Th>}
            <Table.Th scope="col">Created</Table.Th>
            <Table.Th scope="col">Last used</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col" className="sticky-actions">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((key) => (
            <Table.Tr key={key.id}>
              <Table.Td miw={160}>
                <KeyName apiKey={key} />
              </Table.Td>
              <Table.Td>
                <KeyHint apiKey={key} />
              </Table.Td>
              <Table.Td maw={280}>
                <Text size="sm">{key.effectivePermissionsSummary}</Text>
                {key.isLimitedByCeiling && (
                  <Text size="xs" c="dimmed">
                    Limited by the owner's ceiling (holds {key.permissionsSummary})
                  </Text>
                )}
              </Table.Td>
              {isAdministrator && (
                <Table.Td miw={140}>
                  <Owner apiKey={key} viewerId={viewerId} />
                </Table.Td>
              )}
              <Table.Td>
                <RelativeTime value={key.createdAt} />
              </Table.Td>
              <Table.Td>
                <LastUsed apiKey={key} />
              </Table.Td>
              <Table.Td miw={170} maw={240}>
                <KeyStatusSummary apiKey={key} />
              </Table.Td>
              <Table.Td ta="right" className="sticky-actions">
                <KeyActions
                  apiKey={key}
                  canRevoke={isAdministrator}
                  onEdit={onEdit}
                  onRoll={onRoll}
                  onRevoke={onRevoke}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

function KeyCards({ keys, viewerId, isAdministrator, onEdit, onRoll, onRevoke }: KeysTableProps) {
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }} aria-label="API keys">
      {keys.map((key) => (
        <Paper component="li" withBorder radius="lg" p="md" key={key.id}>
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <Stack gap={2} miw={0} className="user-text">
              <KeyName apiKey={key} />
              <KeyHint apiKey={key} />
            </Stack>
            <KeyActions
              apiKey={key}
              canRevoke={isAdministrator}
              onEdit={onEdit}
              onRoll={onRoll}
              onRevoke={onRevoke}
            />
          </Group>
          <Text size="sm" mt="xs">
            {key.effectivePermissionsSummary}
          </Text>
          {isAdministrator && (
            <Group gap={6} mt="xs" wrap="nowrap" align="flex-start">
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
            <KeyStatusSummary apiKey={key} />
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}
