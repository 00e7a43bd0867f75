import { Badge, Button, Group, Modal, Stack, Table, Text, TextInput, VisuallyHidden } from "@mantine/core";
import { useDocumentTitle } from "@mantine/hooks";
import { IconBellRinging, IconPlus, IconShieldLock } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError } from "../api";
import { ConfirmModal, useConfirmTarget } from "../components/confirm-modal";
import { KeySecretModal, type ShownSecret } from "../components/key-secret-modal";
import { LoadingRows } from "../components/loading-rows";
import { Notice } from "../components/notice";
import { PageHeader } from "../components/page-header";
import { RelativeTime } from "../components/relative-time";
import { TableFrame } from "../components/table-frame";
import { notifySuccess, reportError } from "../errors";
import { type CanaryKey, canariesQueryKey, leaksApi } from "../leaks-api";
import { useSession } from "../session";

const purpose =
  "A canary is a key planted where it should never be used (a config file, a wiki page, a test fixture): any use of it is refused and raises an alert.";

export function CanariesPage() {
  useDocumentTitle("Canary keys · Keyward");
  const { user } = useSession();
  if (user.role !== "administrator") {
    return (
      <>
        <PageHeader title="Canary keys" />
        <Notice icon={<IconShieldLock size={26} />} title="Administrators only">
          Only Administrators can create and retire canary keys.
        </Notice>
      </>
    );
  }
  return <ManageCanaries />;
}

function ManageCanaries() {
  const queryClient = useQueryClient();
  const canaries = useQuery({ queryKey: canariesQueryKey, queryFn: leaksApi.listCanaries });
  const [isCreating, setCreating] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const confirm = useConfirmTarget<CanaryKey>();

  const retire = useMutation({
    mutationFn: (canary: CanaryKey) => leaksApi.retireCanary(canary.id),
    meta: { handlesErrors: true },
    onSuccess: (canary) => {
      confirm.close();
      void queryClient.invalidateQueries({ queryKey: canariesQueryKey });
      void queryClient.invalidateQueries({ queryKey: ["audit"] });
      notifySuccess("Canary retired", `${canary.name} is still refused, and no longer raises alerts.`);
    },
    onError: (error) => reportError(error, "Could not retire the canary"),
  });

  return (
    <>
      <PageHeader title="Canary keys" description={purpose}>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          Create canary
        </Button>
      </PageHeader>
      {canaries.isPending ? (
        <LoadingRows label="Loading the canary keys" rows={3} />
      ) : canaries.isError ? (
        <Notice icon={<IconShieldLock size={26} />} title="The canary keys could not be loaded">
          {canaries.error.message}
        </Notice>
      ) : canaries.data.items.length === 0 ? (
        <Notice icon={<IconBellRinging size={26} />} title="No canary keys yet">
          Create one, copy it, and plant it where nobody should ever use it. You'll be told the moment someone
          does.
        </Notice>
      ) : (
        <CanariesTable canaries={canaries.data.items} onRetire={confirm.open} />
      )}

      <CreateCanaryModal
        opened={isCreating}
        onClose={() => setCreating(false)}
        onCreated={(created) => {
          setCreating(false);
          setShown({
            key: { name: created.canary.name, permissionsSummary: "none (a canary is refused everywhere)" },
            secret: created.secret,
            title: "Your new canary key",
            note: "Plant it where it should never be used. Any request with it is refused like an unknown key and raises an alert.",
          });
          void queryClient.invalidateQueries({ queryKey: canariesQueryKey });
        }}
      />
      <KeySecretModal created={shown} onClose={() => setShown(null)} />
      <ConfirmModal
        opened={confirm.isOpen}
        title="Retire this canary?"
        confirmLabel="Retire canary"
        isDanger
        isLoading={retire.isPending}
        onConfirm={() => confirm.target && retire.mutate(confirm.target)}
        onClose={confirm.close}
      >
        <Text>
          <Text span fw={600} className="user-text">
            {confirm.target?.name}
          </Text>{" "}
          stays refused, but using it will no longer raise an alert. This can't be undone.
        </Text>
      </ConfirmModal>
    </>
  );
}

function CanariesTable({
  canaries,
  onRetire,
}: {
  canaries: CanaryKey[];
  onRetire: (canary: CanaryKey) => void;
}) {
  return (
    <TableFrame label="Canary keys" minWidth={720}>
      <Table verticalSpacing="sm" horizontalSpacing="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Canary</Table.Th>
            <Table.Th scope="col">Created</Table.Th>
            <Table.Th scope="col">Last triggered</Table.Th>
            <Table.Th scope="col">Alerts</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {canaries.map((canary) => (
            <Table.Tr key={canary.id}>
              <Table.Td>
                <div className="user-text">
                  <Text size="sm" fw={600}>
                    {canary.name}
                  </Text>
                  <Text size="xs" c="dimmed" className="mono">
                    {canary.hint}
                  </Text>
                </div>
              </Table.Td>
              <Table.Td>
                <RelativeTime value={canary.createdAt} />
              </Table.Td>
              <Table.Td>
                {canary.lastTriggeredAt ? (
                  <RelativeTime value={canary.lastTriggeredAt} />
                ) : (
                  <Text size="sm" c="dimmed">
                    Never
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{canary.triggers}</Text>
              </Table.Td>
              <Table.Td>
                {canary.retiredAt ? (
                  <Badge variant="light" color="gray">
                    Retired
                  </Badge>
                ) : canary.lastTriggeredAt ? (
                  <Badge variant="light" color="red">
                    Triggered
                  </Badge>
                ) : (
                  <Badge variant="light" color="green">
                    Watching
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                {canary.retiredAt === null && (
                  <Group justify="flex-end">
                    <Button
                      variant="default"
                      size="xs"
                      onClick={() => onRetire(canary)}
                      aria-label={`Retire ${canary.name}`}
                    >
                      Retire
                    </Button>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </TableFrame>
  );
}

function CreateCanaryModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (created: Awaited<ReturnType<typeof leaksApi.createCanary>>) => void;
}) {
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>();
  const create = useMutation({
    mutationFn: (value: string) => leaksApi.createCanary(value),
    meta: { handlesErrors: true },
    onSuccess: (created) => {
      setName("");
      onCreated(created);
    },
    onError: (failure) => {
      if (failure instanceof ApiError && failure.code === "invalid_request") {
        setError(failure.message.replace(/^name: /, ""));
      } else reportError(failure, "Could not create the canary");
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    create.mutate(name.trim());
  }

  return (
    <Modal opened={opened} onClose={() => !create.isPending && onClose()} title="Create a canary key">
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          <Text size="sm" c="dimmed">
            {purpose}
          </Text>
          <TextInput
            label="Name"
            description="Say where you'll plant it, e.g. Staging .env file."
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={error}
            required
            data-autofocus
          />
          <Group justify="flex-end" gap="sm">
            <Button variant="default" onClick={onClose} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create canary
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
