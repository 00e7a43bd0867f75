import { Button, Group, Select, TextInput } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconListDetails, IconShieldLock } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { adminApi } from "../admin-api";
import { auditActionLabels } from "../components/audit-labels";
import { AuditTable, type TargetNames } from "../components/audit-table";
import { LoadingRows } from "../components/loading-rows";
import { Notice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { useKeys, useSections, useUsers } from "../queries";
import { useSession } from "../session";
import { useUrlState } from "../url-state";

/** `?action=&actor=&from=&to=`: from and to are calendar days (YYYY-MM-DD, UTC), both included. */
const auditViewDefaults = { action: "", actor: "", from: "", to: "" };

const isDay = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value));

/** The API's bounds for a range of whole days: from the first day's start to the day after the last. */
function rangeOf(from: string, to: string): { from?: string; to?: string } {
  const dayAfter = (day: string) => new Date(Date.parse(day) + 86_400_000).toISOString();
  return {
    ...(isDay(from) ? { from: new Date(Date.parse(from)).toISOString() } : {}),
    ...(isDay(to) ? { to: dayAfter(to) } : {}),
  };
}

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
  const { values: view, update } = useUrlState(auditViewDefaults);
  const action = view.action || null;
  const actorId = view.actor || null;
  const isBackwards = isDay(view.from) && isDay(view.to) && view.from > view.to;
  const range = isBackwards ? {} : rangeOf(view.from, view.to);
  const isFiltered = Boolean(action || actorId || view.from || view.to);
  const users = useUsers();
  const keys = useKeys("all");
  const sections = useSections();
  const events = useInfiniteQuery({
    queryKey: ["audit", { action, actorId, ...range }],
    queryFn: ({ pageParam }) =>
      adminApi.listAuditEvents({
        action: action ?? undefined,
        actorId: actorId ?? undefined,
        ...range,
        cursor: pageParam,
      }),
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
          onChange={(value) => update({ action: value })}
          clearable
          w={{ base: "100%", xs: 240 }}
        />
        <Select
          label="Actor"
          placeholder="Anyone"
          data={actorOptions}
          value={actorId}
          onChange={(value) => update({ actor: value })}
          clearable
          searchable
          nothingFoundMessage="No such user"
          w={{ base: "100%", xs: 240 }}
        />
        <TextInput
          type="date"
          label="From"
          value={view.from}
          onChange={(event) => update({ from: event.currentTarget.value })}
          w={{ base: "100%", xs: 170 }}
        />
        <TextInput
          type="date"
          label="To"
          value={view.to}
          onChange={(event) => update({ to: event.currentTarget.value })}
          error={isBackwards ? "Pick a day on or after From." : undefined}
          w={{ base: "100%", xs: 170 }}
        />
        {isFiltered && (
          <Button
            variant="subtle"
            onClick={() => update({ action: null, actor: null, from: null, to: null })}
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
          Nothing has been recorded{isFiltered ? " for these filters" : " yet"}.
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
