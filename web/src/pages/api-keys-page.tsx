import { Alert, Button, Group, SegmentedControl, Text } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconAlertTriangle, IconKey, IconLock, IconPlus } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type ApiKey, api, type CreatedKey, type KeyInput, type KeyStatusFilter } from "../api";
import { ConfirmModal, useConfirmTarget } from "../components/confirm-modal";
import { KeyFormModal, type KeyFormTarget } from "../components/key-form-modal";
import { KeySecretModal } from "../components/key-secret-modal";
import { KeysTable } from "../components/keys-table";
import { LoadingRows } from "../components/loading-rows";
import { Notice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { notifySuccess, reportError } from "../errors";
import { useKeys } from "../queries";
import { useSession } from "../session";

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

const statusOptions = [
  { value: "active", label: "Active" },
  { value: "revoked", label: "Revoked" },
  { value: "all", label: "All" },
];

function ManageApiKeys() {
  const { user } = useSession();
  const isAdministrator = user.role === "administrator";
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<KeyStatusFilter>("active");
  const [formTarget, setFormTarget] = useState<KeyFormTarget | null>(null);
  const [isCreating, setCreating] = useState(false);
  // The new key's secret lives here, in component state only, until its window closes.
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const revoking = useConfirmTarget<ApiKey>();

  const keys = useKeys(status);

  function refreshAfterChange() {
    void queryClient.invalidateQueries({ queryKey: ["keys"] });
    void queryClient.invalidateQueries({ queryKey: ["users"] });
    void queryClient.invalidateQueries({ queryKey: ["audit"] });
  }

  // Deliberately not a useMutation: the mutation cache would keep the response, and with it the secret.
  async function createKey(input: KeyInput) {
    setCreating(true);
    try {
      const result = await api.createKey(input);
      setFormTarget(null);
      setCreated(result);
      if (status === "revoked") setStatus("active");
      refreshAfterChange();
    } catch (error) {
      reportError(error, "Could not generate the API key");
    } finally {
      setCreating(false);
    }
  }

  const update = useMutation({
    mutationFn: ({ id, input }: { id: string; input: KeyInput }) => api.updateKey(id, input),
    meta: { handlesErrors: true },
    onSuccess: (key) => {
      setFormTarget(null);
      refreshAfterChange();
      notifySuccess("API key updated", `“${key.name}” now has: ${key.permissionsSummary}.`);
    },
    onError: (error) => reportError(error, "Could not update the API key"),
  });

  const revoke = useMutation({
    mutationFn: (key: ApiKey) => api.revokeKey(key.id),
    meta: { handlesErrors: true },
    onSuccess: (key) => {
      revoking.close();
      refreshAfterChange();
      notifySuccess("API key revoked", `“${key.name}” no longer works.`);
    },
    onError: (error) => reportError(error, "Could not revoke the API key"),
  });

  function submitForm(input: KeyInput) {
    if (formTarget?.mode === "edit") update.mutate({ id: formTarget.key.id, input });
    else void createKey(input);
  }

  const items = keys.data?.pages.flatMap((page) => page.items) ?? [];

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
        <Button leftSection={<IconPlus size={18} />} onClick={() => setFormTarget({ mode: "create" })}>
          API Key
        </Button>
        <SegmentedControl
          aria-label="Show keys"
          value={status}
          onChange={(value) => setStatus(value as KeyStatusFilter)}
          data={statusOptions}
        />
      </Group>

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
        <EmptyKeys status={status} />
      ) : (
        <>
          <KeysTable
            keys={items}
            viewerId={user.id}
            isAdministrator={isAdministrator}
            onEdit={(key) => setFormTarget({ mode: "edit", key })}
            onRevoke={revoking.open}
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

      <KeyFormModal
        target={formTarget}
        isSubmitting={isCreating || update.isPending}
        onSubmit={submitForm}
        onClose={() => setFormTarget(null)}
      />
      <KeySecretModal created={created} onClose={() => setCreated(null)} />
      <ConfirmModal
        opened={revoking.isOpen}
        title="Revoke API Key"
        confirmLabel="Revoke API Key"
        isDanger
        isLoading={revoke.isPending}
        onConfirm={() => revoking.target && revoke.mutate(revoking.target)}
        onClose={revoking.close}
      >
        <Text>
          Revoke <strong>{revoking.target?.name}</strong> (
          <span className="mono">{revoking.target?.hint}</span>)?
        </Text>
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} title="Heads Up!">
          Revoking a key is a permanent action that cannot be undone. The key will be disabled immediately and
          any integration using it will stop working.
        </Alert>
      </ConfirmModal>
    </>
  );
}

function EmptyKeys({ status }: { status: KeyStatusFilter }) {
  if (status === "revoked") {
    return (
      <Notice icon={<IconKey size={26} />} title="No revoked keys">
        Keys that an Administrator revokes appear here, with who revoked them and when.
      </Notice>
    );
  }
  return (
    <Notice icon={<IconKey size={26} />} title="No API keys yet">
      API keys let your own software work with the Marketplace Platform: build custom integrations, pull
      reporting data into your dashboards, or automate everyday tasks. Generate a key with the{" "}
      <strong>API Key</strong> button, give it only the permissions it needs, and store it somewhere safe.
    </Notice>
  );
}
