import { Alert, Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { type FormEvent, useState } from "react";
import type { ApiKey, KeyInput } from "../api";
import {
  draftFromPermissions,
  hasAnySection,
  type PermissionDraft,
  permissionsFromDraft,
} from "../permissions";
import { useSections } from "../queries";
import { LoadingRows } from "./loading-rows";
import { PermissionsField } from "./permissions-field";

export type KeyFormTarget = { mode: "create" } | { mode: "edit"; key: ApiKey };

const nameMaxLength = 100;

/** Generate or edit a key: a Name and its Permissions. */
export function KeyFormModal({
  target,
  isSubmitting,
  onSubmit,
  onClose,
}: {
  target: KeyFormTarget | null;
  isSubmitting: boolean;
  onSubmit: (input: KeyInput) => void;
  onClose: () => void;
}) {
  const isEdit = target?.mode === "edit";
  return (
    <Modal
      opened={target !== null}
      onClose={() => !isSubmitting && onClose()}
      title={isEdit ? "Edit API Key" : "Generate API Key"}
      size="lg"
    >
      {target && (
        <KeyForm
          key={target.mode === "edit" ? target.key.id : "new"}
          target={target}
          isSubmitting={isSubmitting}
          onSubmit={onSubmit}
          onCancel={onClose}
        />
      )}
    </Modal>
  );
}

function KeyForm({
  target,
  isSubmitting,
  onSubmit,
  onCancel,
}: {
  target: KeyFormTarget;
  isSubmitting: boolean;
  onSubmit: (input: KeyInput) => void;
  onCancel: () => void;
}) {
  const existing = target.mode === "edit" ? target.key : undefined;
  const sections = useSections();
  const [name, setName] = useState(existing?.name ?? "");
  const [draft, setDraft] = useState<PermissionDraft>(() => draftFromPermissions(existing?.permissions));
  const [wasSubmitted, setSubmitted] = useState(false);

  const nameError = !name.trim()
    ? "Give the key a name so you can tell what it is for."
    : name.trim().length > nameMaxLength
      ? `Keep the name under ${nameMaxLength} characters.`
      : null;
  const permissionsError =
    draft.mode === "specific" && !hasAnySection(draft)
      ? "Choose at least one section, or choose All permissions."
      : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (nameError || permissionsError) return;
    onSubmit({ name: name.trim(), permissions: permissionsFromDraft(draft) });
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          description="A descriptive name that says what the key is for."
          placeholder="Internal Reporting Dashboard"
          required
          maxLength={nameMaxLength + 20}
          value={name}
          onChange={(event) => setName(event.currentTarget.value)}
          error={wasSubmitted ? nameError : null}
          data-autofocus
        />
        {sections.isPending ? (
          <LoadingRows label="Loading sections" rows={4} height={40} />
        ) : sections.isError ? (
          <Alert color="red" title="Sections could not be loaded">
            {sections.error.message}
          </Alert>
        ) : (
          <PermissionsField
            value={draft}
            onChange={setDraft}
            sections={sections.data.items}
            error={wasSubmitted ? permissionsError : null}
          />
        )}
        {existing && (
          <Group gap="xs" wrap="nowrap" align="flex-start">
            <IconInfoCircle size={18} aria-hidden style={{ flexShrink: 0 }} />
            <Text size="sm" c="dimmed">
              Changes apply to the very next request made with this key. The key itself stays the same.
            </Text>
          </Group>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onCancel} disabled={isSubmitting}>
            Cancel
          </Button>
          <Button type="submit" loading={isSubmitting} disabled={!sections.isSuccess}>
            {existing ? "Update API Key" : "Generate API Key"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
