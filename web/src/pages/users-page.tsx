import { Button, Group, Pagination, Select, Text, TextInput } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconPlus, IconSearch, IconShieldLock, IconUsers } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useState } from "react";
import { adminApi, type AdminUser as User } from "../admin-api";
import { api } from "../api";
import { useConfirmTarget } from "../components/confirm-modal";
import { type AccessChange, GrantAccessModal } from "../components/grant-access-modal";
import { FormLoading, LoadingRows } from "../components/loading-rows";
import { Notice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { type UserChange, UserChangeConfirmation } from "../components/user-change-confirmation";
import { UsersTable } from "../components/users-table";
import { type UsersView, usersViewDefaults, viewUsers } from "../components/users-view";
import { notifySuccess, reportError } from "../errors";
import { useHasBeenTrue } from "../lazy";
import { useSession } from "../session";
import { pageSizes, useUrlState } from "../url-state";

const CreateUserModal = lazy(() =>
  import("../components/create-user-modal").then((m) => ({ default: m.CreateUserModal })),
);

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
  const hasOpenedAdd = useHasBeenTrue(isAdding);
  const confirm = useConfirmTarget<PendingChange>();
  const pending = confirm.target;
  const users = useQuery({ queryKey: ["users"], queryFn: adminApi.listUsers });
  const { values: view, update } = useUrlState(usersViewDefaults);
  const [access, setAccess] = useState<{ change: AccessChange; userId: string; isOpen: boolean } | null>(
    null,
  );
  const accessUser = users.data?.items.find((user) => user.id === access?.userId);
  // Keys may have been generated or revoked elsewhere since the list loaded: confirm with fresh counts.
  const pendingUser = users.data?.items.find((user) => user.id === pending?.userId);
  function confirmChange(kind: UserChange, user: User) {
    confirm.open({ kind, userId: user.id });
    void users.refetch();
  }

  const change = useMutation({
    mutationFn: ({ kind, user }: { kind: UserChange; user: User }) =>
      kind === "remove-access" ? api.removeApiAccess(user.id) : api.deactivateUser(user.id),
    meta: { handlesErrors: true },
    onSuccess: (user, { kind }) => {
      confirm.close();
      void queryClient.invalidateQueries({ queryKey: ["users"] });
      void queryClient.invalidateQueries({ queryKey: ["keys"] });
      void queryClient.invalidateQueries({ queryKey: ["audit"] });
      const messages: Record<typeof kind, [string, string]> = {
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
      <UsersFilters view={view} update={update} />
      {users.isPending ? (
        <LoadingRows label="Loading users" />
      ) : users.isError ? (
        <Notice icon={<IconUsers size={26} />} title="Users could not be loaded">
          {users.error.message}
        </Notice>
      ) : (
        <UsersList
          listed={viewUsers(users.data.items, view)}
          viewerId={viewer.id}
          pageSize={view.size}
          onPage={(page) => update({ page: String(page) })}
          onPageSize={(size) => update({ size })}
          onGrant={(user) => setAccess({ change: "grant", userId: user.id, isOpen: true })}
          onChangeCeiling={(user) => setAccess({ change: "ceiling", userId: user.id, isOpen: true })}
          onRemove={(user) => confirmChange("remove-access", user)}
          onDeactivate={(user) => confirmChange("deactivate", user)}
        />
      )}
      <GrantAccessModal
        change={access?.change ?? "grant"}
        user={accessUser}
        opened={access?.isOpen ?? false}
        onClose={() => setAccess((current) => current && { ...current, isOpen: false })}
      />

      {hasOpenedAdd && (
        <Suspense fallback={<FormLoading />}>
          <CreateUserModal opened={isAdding} onClose={() => setAdding(false)} />
        </Suspense>
      )}
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

type ViewUpdate = ReturnType<typeof useUrlState<keyof typeof usersViewDefaults>>["update"];

function UsersFilters({ view, update }: { view: typeof usersViewDefaults; update: ViewUpdate }) {
  // Two filters a row on a phone, so the list starts within the first screen.
  const width = { base: "calc(50% - 6px)", xs: 190 };
  return (
    <Group mb="md" gap="sm" align="flex-end">
      <TextInput
        label="Search"
        placeholder="Name or email"
        leftSection={<IconSearch size={16} aria-hidden />}
        value={view.q}
        onChange={(event) => update({ q: event.currentTarget.value })}
        w={{ base: "100%", xs: 240 }}
      />
      <Select
        label="Role"
        value={view.role}
        onChange={(role) => update({ role })}
        allowDeselect={false}
        data={[
          { value: "all", label: "All roles" },
          { value: "administrator", label: "Administrators" },
          { value: "marketplace_manager", label: "Marketplace Managers" },
        ]}
        w={width}
      />
      <Select
        label="API access"
        value={view.access}
        onChange={(access) => update({ access })}
        allowDeselect={false}
        data={[
          { value: "all", label: "Anyone" },
          { value: "granted", label: "Has API access" },
          { value: "none", label: "No API access" },
          { value: "limited", label: "Limited by a ceiling" },
        ]}
        w={width}
      />
      <Select
        label="Status"
        value={view.status}
        onChange={(status) => update({ status })}
        allowDeselect={false}
        data={[
          { value: "active", label: "Active" },
          { value: "deactivated", label: "Deactivated" },
          { value: "all", label: "Active and deactivated" },
        ]}
        w={width}
      />
      <Select
        label="Sort by"
        value={view.sort}
        onChange={(sort) => update({ sort })}
        allowDeselect={false}
        data={[
          { value: "name", label: "Name" },
          { value: "email", label: "Email" },
          { value: "newest", label: "Newest first" },
          { value: "oldest", label: "Oldest first" },
          { value: "keys", label: "Most keys" },
        ]}
        w={width}
      />
    </Group>
  );
}

function UsersList({
  listed,
  pageSize,
  onPage,
  onPageSize,
  ...table
}: {
  listed: UsersView;
  pageSize: string;
  onPage: (page: number) => void;
  onPageSize: (size: string) => void;
} & Omit<Parameters<typeof UsersTable>[0], "users">) {
  if (listed.matching === 0) {
    return (
      <Notice icon={<IconUsers size={26} />} title="No matching users">
        No user matches this search and these filters.
      </Notice>
    );
  }
  return (
    <>
      <UsersTable users={listed.shown} {...table} />
      <Group justify="space-between" mt="md" gap="sm">
        <Text size="sm" c="dimmed" role="status">
          {listed.matching === 1 ? "1 user" : `${listed.matching} users`}
        </Text>
        <Group gap="sm">
          {listed.pageCount > 1 && (
            <Pagination
              total={listed.pageCount}
              value={listed.page}
              onChange={onPage}
              size="sm"
              getControlProps={(control) => ({ "aria-label": `${control} page` })}
            />
          )}
          <Select
            aria-label="Users per page"
            value={pageSize}
            onChange={(size) => size && onPageSize(size)}
            allowDeselect={false}
            data={pageSizes.map((size) => ({ value: size, label: `${size} per page` }))}
            w={130}
            size="xs"
          />
        </Group>
      </Group>
    </>
  );
}
