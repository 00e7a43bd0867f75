import { Button, Group, Select } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconListDetails, IconShieldLock } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api";
import { AuditTable, auditActionLabels, type TargetNames } from "../components/audit-table";
import { LoadingRows } from "../components/loading-rows";
import { Notice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { useKeys, useSections, useUsers } from "../queries";
import { useSession } from "../session";

const actionOptions = Object.entries(auditActionLabels).map(([value, label]) => ({ value, label }));

export function AuditPage() {
  useDocumentTitle("Audit log · Keyward");
  const { user } = useSession();
  if (user.role !== "administrator") {
    return (
      <>
        <PageHeader title="Audit log" />
        <Notice icon={<IconShieldLock size={26} />} title="Administrators only">
          Only Administrators can read the account's audit log.
        </Notice>
      </>
    );
  }
  return <AuditLog />;
}

function AuditLog() {
  const { account } = useSession();
  const [action, setAction] = useState<string | null>(null);
  const [actorId, setActorId] = useState<string | null>(null);
  const users = useUsers();
  const keys = useKeys("all");
  const sections = useSections();
  const events = useInfiniteQuery({
    queryKey: ["audit", { action, actorId }],
    queryFn: ({ pageParam }) =>
      api.listAuditEvents({ action: action ?? undefined, actorId: actorId ?? undefined, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });

  const people = new Map((users.data?.items ?? []).map((user) => [user.id, user]));
  const targets: TargetNames = new Map([[account.id, { name: account.name, detail: "" }]]);
  for (const user of users.data?.items ?? []) targets.set(user.id, { name: user.name, detail: user.email });
  for (const key of keys.data?.pages.flatMap((page) => page.items) ?? []) {
    targets.set(key.id, { name: key.name, detail: key.hint });
  }
  const actorOptions = (users.data?.items ?? []).map((user) => ({ value: user.id, label: user.name }));
  const items = events.data?.pages.flatMap((page) => page.items) ?? [];

  return (
    <>
      <PageHeader title="Audit log" description="Who did what in this account, newest first." />
      <Group mb="md" gap="sm" align="flex-end">
        <Select
          label="Action"
          placeholder="All actions"
          data={actionOptions}
          value={action}
          onChange={setAction}
          clearable
          w={{ base: "100%", xs: 240 }}
        />
        <Select
          label="Actor"
          placeholder="Anyone"
          data={actorOptions}
          value={actorId}
          onChange={setActorId}
          clearable
          searchable
          nothingFoundMessage="No such user"
          w={{ base: "100%", xs: 240 }}
        />
        {(action || actorId) && (
          <Button
            variant="subtle"
            onClick={() => {
              setAction(null);
              setActorId(null);
            }}
          >
            Clear filters
          </Button>
        )}
      </Group>
      {events.isPending ? (
        <LoadingRows label="Loading audit events" rows={4} />
      ) : events.isError ? (
        <Notice icon={<IconListDetails size={26} />} title="The audit log could not be loaded">
          {events.error.message}
        </Notice>
      ) : items.length === 0 ? (
        <Notice icon={<IconListDetails size={26} />} title="No matching events">
          Nothing has been recorded{action || actorId ? " for these filters" : " yet"}.
        </Notice>
      ) : (
        <>
          <AuditTable
            events={items}
            people={people}
            targets={targets}
            sections={sections.data?.items ?? []}
          />
          {events.hasNextPage && (
            <Group justify="center" mt="md">
              <Button
                variant="default"
                loading={events.isFetchingNextPage}
                onClick={() => void events.fetchNextPage()}
              >
                Load more
              </Button>
            </Group>
          )}
        </>
      )}
    </>
  );
}
