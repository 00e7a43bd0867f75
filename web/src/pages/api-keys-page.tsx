import { Alert, Button, Group } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconClockExclamation, IconKey, IconLock, IconPlus } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { KeysTable } from "../components/keys-table";
import { LoadingRows } from "../components/loading-rows";
import { Notice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { pluralize } from "../format";
import { useSession } from "../session";
import { useKeyActions } from "./keys/key-actions";
import { type KeyListQuery, keyApi } from "./keys/key-api";
import { KeyFilters } from "./keys/key-filters";
import { isDefaultView, useKeyListUrl } from "./keys/key-list-url";

export function ApiKeysPage() {
  useDocumentTitle("Manage API Keys · Keyward");
  const { user } = useSession();
  if (!user.hasApiAccess) {
    return (
      <>
        <PageHeader title="Manage API Keys" />
        <Notice icon={<IconLock size={26} />} title="No API access">
          You don't have API access. Ask an Administrator to grant it.
        </Notice>
      </>
    );
  }
  return <ManageApiKeys />;
}

/** The keys matching the list's view, a page at a time ("Load more"). Never holds a secret. */
function useKeyList(filter: KeyListQuery) {
  return useInfiniteQuery({
    queryKey: ["keys", "list", filter],
    queryFn: ({ pageParam }) => keyApi.listKeys(filter, pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}

function ManageApiKeys() {
  const { user } = useSession();
  const isAdministrator = user.role === "administrator";
  const [filter, setFilter] = useKeyListUrl();
  const keys = useKeyList(filter);
  const actions = useKeyActions({
    onCreated: () => {
      if (filter.status === "revoked" || filter.status === "expired" || filter.status === "suspended")
        setFilter({ status: "current" });
    },
  });
  const items = keys.data?.pages.flatMap((page) => page.items) ?? [];
  const expiringSoon = items.filter((key) => key.status === "expiring_soon");

  return (
    <>
      <PageHeader
        title="Manage API Keys"
        description={
          isAdministrator
            ? "Keys let software use the Marketplace Platform API on this account's behalf. You see every key in the account."
            : "Keys let your software use the Marketplace Platform API on your behalf."
        }
      />
      <Group justify="space-between" mb="md" gap="sm">
        <Button leftSection={<IconPlus size={18} />} onClick={actions.generate}>
          API Key
        </Button>
      </Group>
      {expiringSoon.length > 0 && (
        <Alert
          color="orange"
          variant="light"
          mb="md"
          icon={<IconClockExclamation size={18} />}
          title={`${pluralize(expiringSoon.length, "key")} ${expiringSoon.length === 1 ? "expires" : "expire"} within 7 days`}
        >
          Roll {expiringSoon.length === 1 ? "it" : "them"} before then, or the integrations using{" "}
          {expiringSoon.length === 1 ? "it" : "them"} stop working.{" "}
          <Button variant="subtle" size="compact-sm" onClick={() => setFilter({ status: "expiring" })}>
            Show expiring keys
          </Button>
        </Alert>
      )}
      <KeyFilters filter={filter} onChange={setFilter} isAdministrator={isAdministrator} />

      {keys.isPending ? (
        <LoadingRows label="Loading API keys" />
      ) : keys.isError ? (
        <Notice icon={<IconKey size={26} />} title="API keys could not be loaded">
          {keys.error.message}
          <Group justify="center" mt="sm">
            <Button variant="light" onClick={() => void keys.refetch()}>
              Try again
            </Button>
          </Group>
        </Notice>
      ) : items.length === 0 ? (
        <EmptyKeys
          filter={filter}
          onShowAll={() => setFilter({ status: "all", q: "", ownerId: "" })}
          onShowRevoked={() => setFilter({ status: "revoked" })}
        />
      ) : (
        <>
          <KeysTable
            keys={items}
            viewerId={user.id}
            isAdministrator={isAdministrator}
            onEdit={actions.edit}
            onRoll={actions.roll}
            onRevoke={actions.revoke}
          />
          {keys.hasNextPage && (
            <Group justify="center" mt="md">
              <Button
                variant="default"
                loading={keys.isFetchingNextPage}
                onClick={() => void keys.fetchNextPage()}
              >
                Load more
              </Button>
            </Group>
          )}
        </>
      )}
      {actions.dialogs}
    </>
  );
}

function EmptyKeys({
  filter,
  onShowAll,
  onShowRevoked,
}: {
  filter: KeyListQuery;
  onShowAll: () => void;
  onShowRevoked: () => void;
}) {
  // Asked only when the default view is empty: has this person had keys that were revoked?
  const isDefault = isDefaultView(filter);
  const all = useKeyList({ ...filter, status: "all", q: "", ownerId: "", limit: 1 });
  const hasAny = (all.data?.pages[0]?.items.length ?? 0) > 0;
  if (isDefault && all.isSuccess && hasAny) {
    return (
      <Notice
        icon={<IconKey size={26} />}
        title="No active API keys"
        action={
          <Button variant="light" onClick={onShowRevoked}>
            Show revoked keys
          </Button>
        }
      >
        Every key here has been revoked. Generate a new one with the <strong>API Key</strong> button when an
        integration needs it.
      </Notice>
    );
  }
  if (!isDefault) {
    return (
      <Notice
        icon={<IconKey size={26} />}
        title="No keys match this view"
        action={
          <Button variant="light" onClick={onShowAll}>
            Show all keys
          </Button>
        }
      >
        Change the search or the filters above, or show every key.
      </Notice>
    );
  }
  if (all.isPending) return <LoadingRows label="Loading API keys" />;
  return (
    <Notice icon={<IconKey size={26} />} title="No API keys yet">
      API keys let your own software work with the Marketplace Platform: build custom integrations, pull
      reporting data into your dashboards, or automate everyday tasks. Generate a key with the{" "}
      <strong>API Key</strong> button, give it only the permissions it needs, and store it somewhere safe.
    </Notice>
  );
}
