import { Alert, Button, Group, Stack, Text, TextInput } from "@mantine/core";
import { IconInfoCircle } from "@tabler/icons-react";
import { type FormEvent, useEffect, useState } from "react";
import {
  draftFromKey,
  type HygieneDraft,
  HygieneFields,
  hygieneError,
  hygieneInput,
  usePolicy,
} from "../pages/keys/hygiene-fields";
import { PermissionsDryRunNote } from "../pages/keys/key-advice";
import type { KeyHygieneInput } from "../pages/keys/key-api";
import {
  draftFromPermissions,
  hasAnySection,
  type PermissionDraft,
  permissionsFromDraft,
} from "../permissions";
import { useSections } from "../queries";
import type { KeyFormTarget } from "./key-form-modal";
import { LoadingRows } from "./loading-rows";
import { PermissionsField } from "./permissions-field";

/** The server's limit (keyNameSchema): 100 characters, 100 included. */
const nameMaxLength = 100;

function nameErrorOf(name: string): string | null {
  const length = name.trim().length;
  if (length === 0) return "Give the key a name so you can tell what it is for.";
  if (length > nameMaxLength) return `Use at most ${nameMaxLength} characters (this one has ${length}).`;
  return null;
}

/** A key's Name and Permissions; tells its window whether anything differs from where it started. */
export function KeyForm({
  target,
  isSubmitting,
  onSubmit,
  onCancel,
  onChangesChange,
}: {
  target: KeyFormTarget;
  isSubmitting: boolean;
  onSubmit: (input: KeyHygieneInput) => void;
  onCancel: () => void;
  onChangesChange: (hasChanges: boolean) => void;
}) {
  const existing = target.mode === "edit" ? target.key : undefined;
  const sections = useSections();
  const policy = usePolicy();
  const [name, setName] = useState(existing?.name ?? "");
  const [draft, setDraft] = useState<PermissionDraft>(() => draftFromPermissions(existing?.permissions));
  const [initial] = useState(() => JSON.stringify(permissionsFromDraft(draft)));
  const [wasSubmitted, setSubmitted] = useState(false);
  const [hygiene, setHygiene] = useState<HygieneDraft | null>(null);
  // The defaults come from the account's policy, so the draft starts once it has arrived.
  const [initialHygiene, setInitialHygiene] = useState<string | null>(null);
  if (hygiene === null && policy.data) {
    const start = draftFromKey(existing, policy.data);
    setHygiene(start);
    setInitialHygiene(JSON.stringify(start));
  }

  const hasChanges =
    name.trim() !== (existing?.name ?? "") ||
    JSON.stringify(permissionsFromDraft(draft)) !== initial ||
    (hygiene !== null && JSON.stringify(hygiene) !== initialHygiene);
  useEffect(() => onChangesChange(hasChanges), [hasChanges, onChangesChange]);
  useEffect(() => () => onChangesChange(false), [onChangesChange]);

  const nameError = nameErrorOf(name);
  const permissionsError =
    draft.mode === "specific" && !hasAnySection(draft)
      ? "Choose at least one section, or choose All permissions."
      : null;

  const expiryError = hygiene ? hygieneError(hygiene) : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setSubmitted(true);
    if (nameError || permissionsError || expiryError || !hygiene) return;
    onSubmit({
      name: name.trim(),
      permissions: permissionsFromDraft(draft),
      ...hygieneInput(hygiene, existing),
    });
  }

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TextInput
          label="Name"
          description={`A descriptive name that says what the key is for, up to ${nameMaxLength} characters.`}
          placeholder="Internal Reporting Dashboard"
          required
          // A little over the limit, so a pasted name is not silently cut: the message says what to do.
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
        {policy.isError ? (
          <Alert color="red" title="The account's key policy could not be loaded">
            {policy.error.message}
          </Alert>
        ) : hygiene && policy.data ? (
          <HygieneFields
            value={hygiene}
            onChange={setHygiene}
            existing={existing}
            policy={policy.data}
            error={wasSubmitted ? expiryError : null}
          />
        ) : (
          <LoadingRows label="Loading the account's key policy" rows={3} height={40} />
        )}
        {existing && JSON.stringify(permissionsFromDraft(draft)) !== initial && !permissionsError && (
          <PermissionsDryRunNote keyId={existing.id} permissions={permissionsFromDraft(draft)} />
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
          <Button type="submit" loading={isSubmitting} disabled={!sections.isSuccess || !hygiene}>
            {existing ? "Update API Key" : "Generate API Key"}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
