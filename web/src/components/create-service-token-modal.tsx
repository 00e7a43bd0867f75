import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ApiError } from "../api";
import { reportError } from "../errors";
import { type CreatedServiceToken, serviceTokenApi, serviceTokensQueryKey } from "../service-token-api";

const maxNameLength = 100;

/** Names a new service token; the parent shows its secret once (KeySecretModal) when it is created. */
export function CreateServiceTokenModal({
  opened,
  onClose,
  onCreated,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (created: CreatedServiceToken) => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title="Create service token" size="md">
      {opened && <CreateServiceTokenForm onCancel={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function CreateServiceTokenForm({
  onCancel,
  onCreated,
}: {
  onCancel: () => void;
  onCreated: (created: CreatedServiceToken) => void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [error, setError] = useState<string | undefined>();

  const create = useMutation({
    mutationFn: (tokenName: string) => serviceTokenApi.create(tokenName),
    // The answer holds the secret: keep it out of the mutation cache.
    gcTime: 0,
    meta: { handlesErrors: true },
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: serviceTokensQueryKey });
      void queryClient.invalidateQueries({ queryKey: ["audit"] });
      onCreated(created);
    },
    onError: (failure) => {
      if (failure instanceof ApiError && failure.code === "invalid_request") setError(failure.message);
      else reportError(failure, "Could not create the service token");
    },
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return setError("Enter a name, e.g. the backend that will use the token.");
    if (trimmed.length > maxNameLength) return setError(`Use at most ${maxNameLength} characters.`);
    setError(undefined);
    create.mutate(trimmed);
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          required
          description='Which backend uses the token, e.g. "orders-service (production)".'
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={error}
          maxLength={maxNameLength}
          data-autofocus
        />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create service token
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
