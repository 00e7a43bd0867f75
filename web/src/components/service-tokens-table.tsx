import { Badge, Button, Group, Paper, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useIsPhone } from "../layout";
import type { ServiceToken } from "../service-token-api";
import { RelativeTime } from "./relative-time";
import { TableFrame } from "./table-frame";

interface ServiceTokensTableProps {
  tokens: ServiceToken[];
  onRevoke: (token: ServiceToken) => void;
}

/** The account's service tokens: a table on wide screens, one card per token on phones. */
export function ServiceTokensTable(props: ServiceTokensTableProps) {
  return useIsPhone() ? <TokenCards {...props} /> : <TokenRows {...props} />;
}

function TokenRows({
  tokens,
  onRevoke,
}: {
  tokens: ServiceToken[];
  onRevoke: (token: ServiceToken) => void;
}) {
  return (
    <TableFrame label="Service tokens" minWidth={720}>
      <Table verticalSpacing="sm" horizontalSpacing="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Created</Table.Th>
            <Table.Th scope="col">Created by</Table.Th>
            <Table.Th scope="col">Last used</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col" className="sticky-actions">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {tokens.map((token) => (
            <Table.Tr key={token.id}>
              <Table.Td>
                <NameAndHint token={token} />
              </Table.Td>
              <Table.Td>
                <RelativeTime value={token.createdAt} />
              </Table.Td>
              <Table.Td>
                <Text size="sm" className="user-text">
                  {token.createdBy?.name ?? "—"}
                </Text>
              </Table.Td>
              <Table.Td>
                <LastUsed token={token} />
              </Table.Td>
              <Table.Td>
                <TokenStatus token={token} />
              </Table.Td>
              <Table.Td ta="right" className="sticky-actions">
                <RevokeButton token={token} onRevoke={onRevoke} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

function TokenCards({ tokens, onRevoke }: ServiceTokensTableProps) {
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }} aria-label="Service tokens">
      {tokens.map((token) => (
        <Paper component="li" withBorder radius="lg" p="md" key={token.id}>
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <NameAndHint token={token} />
            <RevokeButton token={token} onRevoke={onRevoke} />
          </Group>
          <Text size="sm" mt="xs" className="user-text">
            Created by {token.createdBy?.name ?? "—"}, <RelativeTime value={token.createdAt} />
          </Text>
          <Group justify="space-between" mt="sm" align="flex-end" gap="xs">
            <TokenStatus token={token} />
            <Text size="xs" c="dimmed">
              Last used <LastUsed token={token} size="xs" />
            </Text>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}

function NameAndHint({ token }: { token: ServiceToken }) {
  return (
    <Stack gap={0} miw={0} className="user-text">
      <Text size="sm" fw={600}>
        {token.name}
      </Text>
      <Text size="xs" c="dimmed" className="mono">
        {token.hint}
      </Text>
    </Stack>
  );
}

function LastUsed({ token, size = "sm" }: { token: ServiceToken; size?: "xs" | "sm" }) {
  if (token.lastUsedAt) return <RelativeTime value={token.lastUsedAt} size={size} />;
  return (
    <Text size={size} c="dimmed" span>
      Never
    </Text>
  );
}

function TokenStatus({ token }: { token: ServiceToken }) {
  return token.status === "active" ? (
    <Badge variant="dot" color="green">
      Active
    </Badge>
  ) : (
    <Badge variant="dot" color="gray" title={token.revokedAt ?? undefined}>
      Revoked
    </Badge>
  );
}

function RevokeButton({ token, onRevoke }: { token: ServiceToken; onRevoke: (token: ServiceToken) => void }) {
  if (token.status !== "active") return null;
  return (
    <Button variant="default" size="xs" aria-label={`Revoke ${token.name}`} onClick={() => onRevoke(token)}>
      Revoke
    </Button>
  );
}
