import { ActionIcon, Badge, Button, Group, Menu, Table, Text, VisuallyHidden } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import {
  IconDots,
  IconKey,
  IconKeyOff,
  IconPlus,
  IconShieldLock,
  IconUserOff,
  IconUsers,
} from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, type User } from "../api";
import { useConfirmTarget } from "../components/confirm-modal";
import { CreateUserModal } from "../components/create-user-modal";
import { LoadingRows } from "../components/loading-rows";
import { Notice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { RelativeTime } from "../components/relative-time";
import { TableFrame } from "../components/table-frame";
import { type UserChange, UserChangeConfirmation } from "../components/user-change-confirmation";
import { notifySuccess, reportError } from "../errors";
import { roleLabels } from "../format";
import { useUsers } from "../queries";
import { useSession } from "../session";

export function UsersPage() {
  useDocumentTitle("Users · Keyward");
  const { user } = useSession();
  if (user.role !== "administrator") {
    return (
      <>
        <PageHeader title="Users" />
        <Notice icon={<IconShieldLock size={26} />} title="Administrators only">
          Only Administrators can manage the account's users.
        </Notice>
      </>
    );
  }
  return <ManageUsers />;
}

type PendingChange = { kind: UserChange; userId: string };

function ManageUsers() {
  const { user: viewer } = useSession();
  const queryClient = useQueryClient();
  const [isAdding, setAdding] = useState(false);
  const confirm = useConfirmTarget<PendingChange>();
  const pending = confirm.target;
  const users = useUsers();
  // Keys may have been generated or revoked elsewhere since the list loaded: confirm with fresh counts.
  const pendingUser = users.data?.items.find((user) => user.id === pending?.userId);
  function confirmChange(kind: UserChange, user: User) {
    confirm.open({ kind, userId: user.id });
    void users.refetch();
  }

  const change = useMutation({
    mutationFn: ({ kind, user }: { kind: "grant-access" | UserChange; user: User }) =>
      kind === "grant-access"
        ? api.grantApiAccess(user.id)
        : kind === "remove-access"
          ? api.removeApiAccess(user.id)
          : api.deactivateUser(user.id),
    meta: { handlesErrors: true },
    onSuccess: (user, { kind }) => {
      confirm.close();
      void queryClient.invalidateQueries({ queryKey: ["users"] });
      void queryClient.invalidateQueries({ queryKey: ["keys"] });
      void queryClient.invalidateQueries({ queryKey: ["audit"] });
      const messages: Record<typeof kind, [string, string]> = {
        "grant-access": ["API access granted", `${user.name} can now generate API keys.`],
        "remove-access": ["API access removed", `${user.name}'s API keys no longer work.`],
        deactivate: ["User deactivated", `${user.name} can no longer sign in.`],
      };
      notifySuccess(...messages[kind]);
    },
    onError: (error) => reportError(error, "Could not change the user"),
  });

  return (
    <>
      <PageHeader
        title="Users"
        description="People in this account, their role, and whether they have API access."
      />
      <Group mb="md">
        <Button leftSection={<IconPlus size={18} />} onClick={() => setAdding(true)}>
          Add user
        </Button>
      </Group>
      {users.isPending ? (
        <LoadingRows label="Loading users" />
      ) : users.isError ? (
        <Notice icon={<IconUsers size={26} />} title="Users could not be loaded">
          {users.error.message}
        </Notice>
      ) : (
        <TableFrame label="Users" minWidth={860}>
          <Table verticalSpacing="sm" horizontalSpacing="md" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">Role</Table.Th>
                <Table.Th scope="col">API access</Table.Th>
                <Table.Th scope="col">Active keys</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
                <Table.Th scope="col">Added</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {users.data.items.map((user) => (
                <Table.Tr key={user.id}>
                  <Table.Td>
                    <Text size="sm" fw={600}>
                      {user.id === viewer.id ? `${user.name} (you)` : user.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {user.email}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{roleLabels[user.role]}</Text>
                  </Table.Td>
                  <Table.Td>
                    <ApiAccessBadge user={user} />
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{user.activeKeyCount}</Text>
                  </Table.Td>
                  <Table.Td>
                    {user.isActive ? (
                      <Badge variant="dot" color="green">
                        Active
                      </Badge>
                    ) : (
                      <Badge variant="dot" color="gray">
                        Deactivated
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <RelativeTime value={user.createdAt} />
                  </Table.Td>
                  <Table.Td ta="right">
                    <UserActions
                      user={user}
                      isSelf={user.id === viewer.id}
                      onGrant={() => change.mutate({ kind: "grant-access", user })}
                      onRemove={() => confirmChange("remove-access", user)}
                      onDeactivate={() => confirmChange("deactivate", user)}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableFrame>
      )}

      <CreateUserModal opened={isAdding} onClose={() => setAdding(false)} />
      <UserChangeConfirmation
        change={pending?.kind}
        user={pendingUser}
        opened={confirm.isOpen}
        isChecking={users.isFetching}
        isLoading={change.isPending}
        onConfirm={() => pending && pendingUser && change.mutate({ kind: pending.kind, user: pendingUser })}
        onClose={confirm.close}
      />
    </>
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
  return user.hasApiAccess ? (
    <Badge variant="dot" color="green">
      Granted
    </Badge>
  ) : (
    <Badge variant="dot" color="gray">
      No access
    </Badge>
  );
}

function UserActions({
  user,
  isSelf,
  onGrant,
  onRemove,
  onDeactivate,
}: {
  user: User;
  isSelf: boolean;
  onGrant: () => void;
  onRemove: () => void;
  onDeactivate: () => void;
}) {
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
            <Menu.Item leftSection={<IconKeyOff size={16} />} onClick={onRemove}>
              Remove API access
            </Menu.Item>
          ) : (
            <Menu.Item leftSection={<IconKey size={16} />} onClick={onGrant}>
              Grant API access
            </Menu.Item>
          ))}
        {canDeactivate && (
          <Menu.Item leftSection={<IconUserOff size={16} />} color="red.9" onClick={onDeactivate}>
            Deactivate user
          </Menu.Item>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
