import { ActionIcon, Badge, Group, Menu, Paper, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { IconAdjustments, IconDots, IconKey, IconKeyOff, IconUserOff } from "@tabler/icons-react";
import type { AdminUser as User } from "../admin-api";
import { pluralize, roleLabels } from "../format";
import { useIsPhone } from "../layout";
import { RelativeTime } from "./relative-time";
import { TableFrame } from "./table-frame";

export interface UserActionHandlers {
  onGrant: (user: User) => void;
  onChangeCeiling: (user: User) => void;
  onRemove: (user: User) => void;
  onDeactivate: (user: User) => void;
}

interface UsersTableProps extends UserActionHandlers {
  users: User[];
  viewerId: string;
}

/** The account's users: a table on wide screens, one card per person on phones. */
export function UsersTable(props: UsersTableProps) {
  return useIsPhone() ? <UserCards {...props} /> : <UserRows {...props} />;
}

function UserRows({ users, viewerId, ...handlers }: UsersTableProps) {
  return (
    <TableFrame label="Users" minWidth={860}>
      <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Role</Table.Th>
            <Table.Th scope="col">API access</Table.Th>
            <Table.Th scope="col">Keys</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Added</Table.Th>
            <Table.Th scope="col" className="sticky-actions">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {users.map((user) => (
            <Table.Tr key={user.id}>
              <Table.Td miw={180}>
                <NameAndEmail user={user} isSelf={user.id === viewerId} />
              </Table.Td>
              <Table.Td>
                <Text size="sm">{roleLabels[user.role]}</Text>
              </Table.Td>
              <Table.Td>
                <ApiAccessBadge user={user} />
              </Table.Td>
              <Table.Td>
                <KeyCounts user={user} />
              </Table.Td>
              <Table.Td>
                <UserStatus user={user} />
              </Table.Td>
              <Table.Td>
                <RelativeTime value={user.createdAt} />
              </Table.Td>
              <Table.Td ta="right" className="sticky-actions">
                <UserActions user={user} isSelf={user.id === viewerId} {...handlers} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

function UserCards({ users, viewerId, ...handlers }: UsersTableProps) {
  return (
    <Stack gap="sm" component="ul" p={0} m={0} style={{ listStyle: "none" }} aria-label="Users">
      {users.map((user) => (
        <Paper component="li" withBorder radius="lg" p="md" key={user.id}>
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <NameAndEmail user={user} isSelf={user.id === viewerId} />
            <UserActions user={user} isSelf={user.id === viewerId} {...handlers} />
          </Group>
          <Text size="sm" mt="xs">
            {roleLabels[user.role]}
          </Text>
          <KeyCounts user={user} />
          <Group justify="space-between" mt="sm" align="flex-end" gap="xs">
            <Group gap="xs">
              <ApiAccessBadge user={user} />
              <UserStatus user={user} />
            </Group>
            <Text size="xs" c="dimmed">
              Added <RelativeTime value={user.createdAt} size="xs" c="dimmed" />
            </Text>
          </Group>
        </Paper>
      ))}
    </Stack>
  );
}

function NameAndEmail({ user, isSelf }: { user: User; isSelf: boolean }) {
  return (
    <Stack gap={0} miw={0} className="user-text">
      <Text size="sm" fw={600}>
        {isSelf ? `${user.name} (you)` : user.name}
      </Text>
      <Text size="xs" c="dimmed">
        {user.email}
      </Text>
    </Stack>
  );
}

function UserStatus({ user }: { user: User }) {
  return user.isActive ? (
    <Badge variant="dot" color="green">
      Active
    </Badge>
  ) : (
    <Badge variant="dot" color="gray">
      Deactivated
    </Badge>
  );
}

function ApiAccessBadge({ user }: { user: User }) {
  if (user.role === "administrator") {
    return (
      <Badge variant="dot" color="indigo">
        Always (Administrator)
      </Badge>
    );
  }
  if (!user.hasApiAccess) {
    return (
      <Badge variant="dot" color="gray">
        No access
      </Badge>
    );
  }
  const ceiling = user.permissionCeilingSummary ?? "All permissions";
  return (
    <Stack gap={2} align="flex-start">
      <Badge variant="dot" color="green">
        Granted
      </Badge>
      <Text size="xs" c="dimmed" className="user-text" lineClamp={2} title={`Keys may hold: ${ceiling}`}>
        Keys may hold: {ceiling}
      </Text>
    </Stack>
  );
}

/** Keys that work now, and those that would work again with API access (suspended). */
function KeyCounts({ user }: { user: User }) {
  return (
    <Text size="sm">
      {pluralize(user.activeKeyCount, "active key")}
      {user.suspendedKeyCount > 0 && (
        <Text span size="sm" fw={700}>
          {` · ${user.suspendedKeyCount} suspended`}
        </Text>
      )}
    </Text>
  );
}

function UserActions({
  user,
  isSelf,
  onGrant,
  onChangeCeiling,
  onRemove,
  onDeactivate,
}: { user: User; isSelf: boolean } & UserActionHandlers) {
  const canChangeAccess = user.isActive && user.role === "marketplace_manager";
  const canDeactivate = user.isActive && !isSelf;
  if (!canChangeAccess && !canDeactivate) return null;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${user.name}`}>
          <IconDots size={18} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {canChangeAccess &&
          (user.hasApiAccess ? (
            <>
              <Menu.Item leftSection={<IconAdjustments size={16} />} onClick={() => onChangeCeiling(user)}>
                Change permission ceiling
              </Menu.Item>
              <Menu.Item leftSection={<IconKeyOff size={16} />} onClick={() => onRemove(user)}>
                Remove API access
              </Menu.Item>
            </>
          ) : (
            <Menu.Item leftSection={<IconKey size={16} />} onClick={() => onGrant(user)}>
              Grant API access…
            </Menu.Item>
          ))}
        {canDeactivate && (
          <Menu.Item
            leftSection={<IconUserOff size={16} />}
            color="var(--mantine-color-error)"
            onClick={() => onDeactivate(user)}
          >
            Deactivate user
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
